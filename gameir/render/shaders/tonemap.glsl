// Tone map pass (MSAA path only; the deferred lighting pass tone-maps itself): hdr -> sRGB 8-bit.
#if defined VERTEX_SHADER
#include "fullscreen.glsl"
#elif defined FRAGMENT_SHADER
uniform sampler2D u_hdr;
out vec4 o_color;
#include "color.glsl"
void main() {
    o_color = tonemap_ldr(texelFetch(u_hdr, ivec2(gl_FragCoord.xy), 0).rgb);
}
#endif
