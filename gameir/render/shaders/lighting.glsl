// Deferred lighting + tone mapping: one full-screen pass over the G-buffer. With T the fog
// transmittance and E the scene colour (emissive, exposed; the sky radiance where depth is +inf):
// hdr = (lit + E) * T + fog * (1 - T);
// ldr = tonemap(hdr) (sRGB 8-bit, alpha = luma for FXAA).
#if defined VERTEX_SHADER
#include "fullscreen.glsl"
#elif defined FRAGMENT_SHADER
#include "shading.glsl"
uniform sampler2D u_basecolor;
uniform sampler2D u_normal;
uniform sampler2D u_material;
uniform sampler2D u_depth;
uniform sampler2D u_scene_color;
#ifdef SSAO
uniform sampler2D u_ao;          // ambient visibility from the SSAO pass (variant SSAO)
#endif
uniform mat4 u_inv_proj;
uniform mat3 u_cam_rot;
uniform vec2 u_size;
layout(location = 0) out vec4 o_hdr;
layout(location = 1) out vec4 o_ldr;
void main() {
    // Nearest-filtered lookups at texel centres: the texels an integer fetch would read, and
    // cheaper on llvmpipe.
    vec2 uv = gl_FragCoord.xy / u_size;
    float depth = texture(u_depth, uv).r;
    vec2 ndc = gl_FragCoord.xy / u_size * 2.0 - 1.0;
    vec4 view = u_inv_proj * vec4(ndc, 1.0, 1.0);
    vec3 ray = view.xyz / view.w;
    ray /= -ray.z;                             // camera space, z = -1: point = ray * depth
    vec3 d = normalize(u_cam_rot * ray);
    vec3 lit;
    float dist = u_fog.w;
    if (isinf(depth)) {
        lit = finite_or_zero(sky_radiance(d) * u_exposure);
    } else {
        vec3 P = u_cam_pos + u_cam_rot * (ray * depth);
        dist = depth * length(ray);
        vec3 N = texture(u_normal, uv).xyz;
        vec3 albedo = texture(u_basecolor, uv).rgb;  // sRGB texture: decoded by the sampler
        vec3 m = texture(u_material, uv).rgb;
#ifdef SSAO
        float ao = texture(u_ao, uv).r;
#else
        float ao = 1.0;
#endif
        lit = shade(P, N, -d, albedo, m.x, m.y, m.z, ao) * u_exposure;
    }
    float T = fog_transmittance(d, dist);
    lit += texture(u_scene_color, uv).rgb;
    vec3 hdr = finite_or_zero(lit * T + u_fog_color * u_exposure * (1.0 - T));
    o_hdr = vec4(hdr, 1.0);
#ifndef HDR_ONLY  // variant HDR_ONLY: a post chain tone-maps later, in its own pass
    o_ldr = tonemap_ldr(hdr);
#endif
}
#endif
