// Tone map: exposed linear radiance -> ACES filmic (Narkowicz fit) -> sRGB 8-bit; alpha = luma (FXAA).
#if defined VERTEX_SHADER
#include "fullscreen.glsl"
#elif defined FRAGMENT_SHADER
uniform sampler2D u_hdr;
out vec4 o_color;
#include "color.glsl"
void main() {
    vec3 x = texelFetch(u_hdr, ivec2(gl_FragCoord.xy), 0).rgb;
    x = (any(isnan(x)) || any(isinf(x))) ? vec3(0.0) : max(x, vec3(0.0));
    vec3 mapped = clamp((x * (2.51 * x + 0.03)) / (x * (2.43 * x + 0.59) + 0.14), 0.0, 1.0);
    vec3 s = srgb_encode(mapped);
    o_color = vec4(s, dot(s, vec3(0.299, 0.587, 0.114)));
}
#endif
