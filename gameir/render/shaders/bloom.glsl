// Bloom (the post chain's "bloom" step; gameir/render/passes/bloom.py), as UE4 and COD build it:
// the HDR colour's excess over a threshold goes down a chain of half-resolution levels, each level
// but the finest is blurred by a separable Gaussian, and the levels are added back up the chain with equal
// weights; the sum, scaled by the intensity, is added to the colour by the tone map pass
// (tonemap.glsl variant BLOOM). Every step keeps the energy
// (sum of radiance x pixel area) of the excess: 2 x 2 means, normalised kernels mirrored at the borders,
// bilinear 2x upsampling, level weights summing to one.
// Variants: PREFILTER (threshold + 2 x 2 mean into level 1), DOWN (one bilinear lookup at the
// corner of each 2 x 2 block: their mean), BLUR_H, BLUR_V (+ the bilinear upsample of the level
// below, variant ADD) for levels 2 and coarser, FINEST for level 1 (its means + the level below).
#if defined VERTEX_SHADER
#include "fullscreen.glsl"
#elif defined FRAGMENT_SHADER
uniform sampler2D u_src;
layout(location = 0) out vec4 o_color;
#if defined PREFILTER
uniform float u_threshold;     // exposed linear radiance
vec3 excess(vec3 c) {
    c = (any(isnan(c)) || any(isinf(c))) ? vec3(0.0) : max(c, vec3(0.0));
    float b = max(c.r, max(c.g, c.b));
    return c * (max(b - u_threshold, 0.0) / max(b, 1e-6));
}
void main() {
    ivec2 p = ivec2(gl_FragCoord.xy) * 2;
    ivec2 last = textureSize(u_src, 0) - 1;
    vec3 sum = vec3(0.0);
    for (int j = 0; j < 2; ++j)
        for (int i = 0; i < 2; ++i)
            sum += excess(texelFetch(u_src, min(p + ivec2(i, j), last), 0).rgb);
    o_color = vec4(sum * 0.25, 1.0);
}
#elif defined DOWN
void main() {
    o_color = vec4(texture(u_src, gl_FragCoord.xy * 2.0 / vec2(textureSize(u_src, 0))).rgb, 1.0);
}
#elif defined BLUR_H || defined BLUR_V
// Half-sample mirrored texel index (GL_MIRRORED_REPEAT): a symmetric kernel with this boundary
// scatters exactly the weight it gathers, so the blur keeps the energy next to the borders too.
ivec2 mirror(ivec2 i, ivec2 n) {
    ivec2 period = 2 * n;
    ivec2 m = i - period * ivec2(floor(vec2(i) / vec2(period)));
    return ivec2(m.x < n.x ? m.x : period.x - 1 - m.x, m.y < n.y ? m.y : period.y - 1 - m.y);
}
uniform float u_weights[BLOOM_RADIUS + 1];  // normalised Gaussian, centre first
uniform float u_pair_weights[BLOOM_RADIUS / 2];  // w[2j+1] + w[2j+2]
uniform float u_pair_offsets[BLOOM_RADIUS / 2];  // their weighted mean offset, texels
#ifdef BLUR_V
uniform float u_level_weight;  // 1 / number of levels
#endif
#ifdef ADD
uniform sampler2D u_coarse;    // the next coarser level's sum (linear filtering)
#endif
void main() {
#ifdef BLUR_H
    ivec2 axis = ivec2(1, 0);
#else
    ivec2 axis = ivec2(0, 1);
#endif
    ivec2 p = ivec2(gl_FragCoord.xy);
    ivec2 size = textureSize(u_src, 0);
    vec3 sum = texelFetch(u_src, p, 0).rgb * u_weights[0];
    if (all(greaterThanEqual(p, ivec2(BLOOM_RADIUS))) && all(lessThan(p, size - BLOOM_RADIUS))) {
        // away from the borders: taps k = 2j+1, 2j+2 as one bilinear lookup between them (same sum)
        vec2 uv = gl_FragCoord.xy / vec2(size), step = vec2(axis) / vec2(size);
        for (int j = 0; j < BLOOM_RADIUS / 2; ++j)
            sum += u_pair_weights[j] * (texture(u_src, uv + u_pair_offsets[j] * step).rgb +
                                        texture(u_src, uv - u_pair_offsets[j] * step).rgb);
    } else {
        for (int k = 1; k <= BLOOM_RADIUS; ++k)
            sum += u_weights[k] * (texelFetch(u_src, mirror(p + k * axis, size), 0).rgb +
                                   texelFetch(u_src, mirror(p - k * axis, size), 0).rgb);
    }
#ifdef BLUR_V
    sum *= u_level_weight;
#endif
#ifdef ADD
    sum += texture(u_coarse, gl_FragCoord.xy / vec2(textureSize(u_src, 0))).rgb;
#endif
    o_color = vec4(sum, 1.0);
}
#elif defined FINEST
// level 1 (half size) is not blurred: its 2 x 2 means, upsampled bilinearly by the tone map pass, make
// the finest glow (a 4-pixel tent), the Gaussians of the coarser levels the wider ones
uniform sampler2D u_coarse;
uniform float u_level_weight;
void main() {
    vec3 c = texelFetch(u_src, ivec2(gl_FragCoord.xy), 0).rgb * u_level_weight;
    o_color = vec4(c + texture(u_coarse, gl_FragCoord.xy / vec2(textureSize(u_src, 0))).rgb, 1.0);
}
#endif
#endif
