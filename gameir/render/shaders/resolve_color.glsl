// SSAA resolve, colour half: one output pixel from its s x s block of supersampled texels, by the
// rules of gameir/render/downsample.py (the numpy reference): rgb and basecolor averaged in linear
// light and re-encoded to 8-bit sRGB, hdr averaged, material averaged and rounded (half to even).
// Block (x, y) covers texels [x*s, x*s+s) x [y*s, y*s+s); GL rows are image rows (top first).
// Variant SSAA2 (s = 2): hdr and basecolor by one bilinear lookup per pixel.
#if defined VERTEX_SHADER
#include "fullscreen.glsl"
#elif defined FRAGMENT_SHADER
uniform sampler2D u_ldr;        // RGBA8 holding sRGB codes (the tone-mapped image)
uniform sampler2D u_hdr;        // RGBA16F
uniform sampler2D u_basecolor;  // SRGB8_ALPHA8: fetched as linear
uniform sampler2D u_material;   // RGBA8
uniform int u_ssaa;
uniform float u_srgb_to_linear[256];  // code -> linear, the numpy reference's table
uniform float u_code_steps[256];      // [c] = linear value where the code steps from c - 1 to c (c >= 1)
layout(location = 0) out vec4 o_rgb;
layout(location = 1) out vec4 o_hdr;
layout(location = 2) out vec4 o_basecolor;  // written raw (GL_FRAMEBUFFER_SRGB off): the codes
layout(location = 3) out vec4 o_material;

float encode_code(float x) {
    x = clamp(x, 0.0, 1.0);
    float enc = x <= 0.0031308 ? x * 12.92 : 1.055 * pow(x, 1.0 / 2.4) - 0.055;
    int c = int(clamp(floor(enc * 255.0 + 0.5), 0.0, 255.0));
    // the float32 power is within one code: step to the exact boundaries
    if (c > 0 && x < u_code_steps[c]) c -= 1;
    else if (c < 255 && x >= u_code_steps[c + 1]) c += 1;
    return float(c) / 255.0;
}

void main() {
    ivec2 base = ivec2(gl_FragCoord.xy) * u_ssaa;
    vec3 rgb = vec3(0.0), albedo = vec3(0.0), mat = vec3(0.0);
    vec4 hdr = vec4(0.0);
    for (int j = 0; j < u_ssaa; ++j) {
        for (int i = 0; i < u_ssaa; ++i) {
            ivec2 p = base + ivec2(i, j);
            ivec3 code = ivec3(texelFetch(u_ldr, p, 0).rgb * 255.0 + 0.5);
            rgb += vec3(u_srgb_to_linear[code.r], u_srgb_to_linear[code.g], u_srgb_to_linear[code.b]);
#ifndef SSAA2
            hdr += texelFetch(u_hdr, p, 0);
            // GL decodes sRGB texels with its own rounding: re-encode to the code, decode by the table
            vec3 lin = texelFetch(u_basecolor, p, 0).rgb;
            ivec3 bc = ivec3(vec3(encode_code(lin.r), encode_code(lin.g), encode_code(lin.b)) * 255.0 + 0.5);
            albedo += vec3(u_srgb_to_linear[bc.r], u_srgb_to_linear[bc.g], u_srgb_to_linear[bc.b]);
#endif
            mat += floor(texelFetch(u_material, p, 0).rgb * 255.0 + 0.5);
        }
    }
    float n = float(u_ssaa * u_ssaa);
    rgb /= n;
#ifdef SSAA2
    // s = 2: one bilinear lookup at the corner the 4 texels share is their mean (hdr and basecolor
    // are bound with linear filtering; sRGB texels are decoded before filtering, so the mean is in
    // linear light). Half the cost of the loop on llvmpipe.
    vec2 corner = gl_FragCoord.xy / vec2(textureSize(u_hdr, 0) / 2);
    hdr = texture(u_hdr, corner);
    albedo = texture(u_basecolor, corner).rgb;
#else
    hdr /= n;
    albedo /= n;
#endif
    o_rgb = vec4(encode_code(rgb.r), encode_code(rgb.g), encode_code(rgb.b), 1.0);
    o_hdr = hdr;
    o_basecolor = vec4(encode_code(albedo.r), encode_code(albedo.g), encode_code(albedo.b), 1.0);
    o_material = vec4(roundEven(mat / n) / 255.0, 1.0);
}
#endif
