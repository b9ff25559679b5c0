// Sky: a full-screen triangle on the far plane (depth test LEQUAL) where no geometry was drawn.
// Default: writes what differs from the G-buffer clear (0) on sky pixels into the sky framebuffer:
// motion from the camera rotation (directions at infinity), the sky tag and depth +inf; the lighting
// pass computes the sky radiance. Variant FORWARD: writes exposed, fogged sky radiance to location 0
// only (the MSAA colour path).
#if defined VERTEX_SHADER
#include "fullscreen.glsl"
#elif defined FRAGMENT_SHADER
#include "shading.glsl"
uniform mat4 u_inv_proj;          // inverse of the (jittered, y-flipped) projection
uniform mat3 u_cam_rot;           // camera -> world rotation
uniform mat4 u_view_proj_rot;     // projection * world->camera rotation (no translation), current
uniform mat4 u_prev_view_proj_rot;// same for the previous frame
uniform vec2 u_size;
#ifndef FORWARD
#include "sky_outputs.glsl"
#else
layout(location = 0) out vec4 o_color;
#endif
void main() {
    vec2 ndc = gl_FragCoord.xy / u_size * 2.0 - 1.0;
    vec4 view = u_inv_proj * vec4(ndc, 1.0, 1.0);
    vec3 d = normalize(u_cam_rot * (view.xyz / view.w));
#ifndef FORWARD
    vec4 cur_clip = u_view_proj_rot * vec4(d, 0.0);
    vec4 prev_clip = u_prev_view_proj_rot * vec4(d, 0.0);
    vec2 cur = (cur_clip.xy / cur_clip.w * 0.5 + 0.5) * u_size;
    vec2 prev = prev_clip.w > 1e-6 ? (prev_clip.xy / prev_clip.w * 0.5 + 0.5) * u_size : cur;
    o_motion = clamp(prev - cur, vec2(-30000.0), vec2(30000.0));
    o_semantic = SKY_SEMANTIC;
    o_depth = uintBitsToFloat(0x7F800000u);
#else
    vec3 sky = finite_or_zero(sky_radiance(d) * u_exposure);
    float T = fog_transmittance(d, u_fog.w);
    o_color = vec4(sky * T + u_fog_color * u_exposure * (1.0 - T), 1.0);
#endif
}
#endif
