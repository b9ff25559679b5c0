// FXAA (Lottes' FXAA 3.11 "console" variant as popularised by mattdesl/glsl-fxaa) on the tone-mapped
// sRGB image; reads luma from alpha.
#if defined VERTEX_SHADER
#include "fullscreen.glsl"
#elif defined FRAGMENT_SHADER
uniform sampler2D u_ldr;   // linear filtering, clamp to edge
uniform vec2 u_size;
out vec4 o_color;
#define FXAA_REDUCE_MIN (1.0 / 128.0)
#define FXAA_REDUCE_MUL (1.0 / 8.0)
#define FXAA_SPAN_MAX 8.0
void main() {
    vec2 inv = 1.0 / u_size;
    vec2 uv = gl_FragCoord.xy * inv;
    float lumaNW = texture(u_ldr, uv + vec2(-1.0, -1.0) * inv).a;
    float lumaNE = texture(u_ldr, uv + vec2(1.0, -1.0) * inv).a;
    float lumaSW = texture(u_ldr, uv + vec2(-1.0, 1.0) * inv).a;
    float lumaSE = texture(u_ldr, uv + vec2(1.0, 1.0) * inv).a;
    vec4 centre = texture(u_ldr, uv);
    float lumaM = centre.a;
    float lumaMin = min(lumaM, min(min(lumaNW, lumaNE), min(lumaSW, lumaSE)));
    float lumaMax = max(lumaM, max(max(lumaNW, lumaNE), max(lumaSW, lumaSE)));
    vec2 dir = vec2(-((lumaNW + lumaNE) - (lumaSW + lumaSE)), (lumaNW + lumaSW) - (lumaNE + lumaSE));
    float dirReduce = max((lumaNW + lumaNE + lumaSW + lumaSE) * (0.25 * FXAA_REDUCE_MUL), FXAA_REDUCE_MIN);
    float rcpDirMin = 1.0 / (min(abs(dir.x), abs(dir.y)) + dirReduce);
    dir = clamp(dir * rcpDirMin, vec2(-FXAA_SPAN_MAX), vec2(FXAA_SPAN_MAX)) * inv;
    vec3 rgbA = 0.5 * (texture(u_ldr, uv + dir * (1.0 / 3.0 - 0.5)).rgb + texture(u_ldr, uv + dir * (2.0 / 3.0 - 0.5)).rgb);
    vec3 rgbB = rgbA * 0.5 + 0.25 * (texture(u_ldr, uv - 0.5 * dir).rgb + texture(u_ldr, uv + 0.5 * dir).rgb);
    float lumaB = dot(rgbB, vec3(0.299, 0.587, 0.114));
    o_color = vec4((lumaB < lumaMin || lumaB > lumaMax) ? rgbA : rgbB, lumaM);
}
#endif
