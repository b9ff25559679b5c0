// Tone map pass: hdr colour -> sRGB 8-bit (the deferred lighting pass tone-maps itself when no post
// step comes between them). Variant BLOOM first adds intensity x the bloom (bilinear 2x upsampling). The post chain's film steps follow the tone map here, as in UE4's
// tonemapper: variant VIGNETTE scales the tone-mapped linear colour by 1 / (1 + k r^2)^2 (r = distance
// from the image centre over the half-diagonal), variant GRAIN adds zero-mean triangular noise of
// amplitude u_grain to the sRGB-encoded values, one value per pixel for all channels, a hash of
// the pixel and u_grain_key (seed and frame time).
#if defined VERTEX_SHADER
#include "fullscreen.glsl"
#elif defined FRAGMENT_SHADER
uniform sampler2D u_hdr;
out vec4 o_color;
#include "color.glsl"
#ifdef BLOOM
uniform sampler2D u_bloom;  // the bloom chain's level 1 (half size, linear filtering)
uniform float u_bloom_intensity;
#endif
#ifdef VIGNETTE
uniform float u_vignette;   // k
#endif
#ifdef GRAIN
uniform float u_grain;      // amplitude on the 0..1 sRGB scale
uniform uint u_grain_key;
uint pcg(uint v) {          // PCG hash (Jarzynski and Olano 2020)
    uint state = v * 747796405u + 2891336453u;
    uint word = ((state >> ((state >> 28u) + 4u)) ^ state) * 277803737u;
    return (word >> 22u) ^ word;
}
float unit_uniform(uint v) { return (float(v >> 8u) + 0.5) / 16777216.0; }  // (0, 1), symmetric about 1/2
#endif
void main() {
    vec3 x = texelFetch(u_hdr, ivec2(gl_FragCoord.xy), 0).rgb;
#ifdef BLOOM
    x += u_bloom_intensity * texture(u_bloom, gl_FragCoord.xy / vec2(textureSize(u_hdr, 0))).rgb;
#endif
#if defined VIGNETTE || defined GRAIN
    vec3 mapped = aces_narkowicz(x);
#ifdef VIGNETTE
    vec2 half_size = vec2(textureSize(u_hdr, 0)) * 0.5;
    vec2 d = gl_FragCoord.xy - half_size;
    float r2 = dot(d, d) / dot(half_size, half_size);
    float f = 1.0 + u_vignette * r2;
    mapped /= f * f;
#endif
    vec3 s = srgb_encode(mapped);
#ifdef GRAIN
    uvec2 p = uvec2(gl_FragCoord.xy);
    uint h = pcg(p.x ^ pcg(p.y ^ pcg(u_grain_key)));
    float n = unit_uniform(h) + unit_uniform(pcg(h)) - 1.0;  // triangular on (-1, 1), mean 0
    s = clamp(s + u_grain * n, 0.0, 1.0);
#endif
    o_color = with_luma(s);
#else
    o_color = tonemap_ldr(x);
#endif
}
#endif
