// Wet reflections and the rain composite: one full-screen pass after the lighting, over hdr.
// Where the material's wetness w (material.a) is > 0, a reflection ray is marched in camera space
// against the depth buffer (SSR_STEPS steps, denser near the surface, one midpoint refinement); a hit fetches the lit
// radiance there, a miss (ray leaving the screen or the march) takes the sky radiance in the
// reflected direction. With Schlick's Fresnel of water F (F0 = 0.02):
//   hdr' = mix(hdr, reflection, w * F);   then with rain (premultiplied rgb, coverage a):
//   hdr'' = hdr' * (1 - min(a, 1)) + rain.rgb;   ldr = tonemap(hdr'').
// Pixels with neither wetness nor rain are discarded: dry, rainless pixels keep their bytes.
#if defined VERTEX_SHADER
#include "fullscreen.glsl"
#elif defined FRAGMENT_SHADER
#include "shading.glsl"
#define SSR_STEPS 8              // march steps of one reflection ray (GLSL only)
#define SSR_MIN_WEIGHT 0.02      // below this reflection weight only the sky is reflected (no march)
uniform sampler2D u_hdr_src;    // copy of the lit hdr
uniform sampler2D u_depth;
uniform sampler2D u_normal;
uniform sampler2D u_material;
#ifdef RAIN
uniform sampler2D u_rain;
#endif
uniform mat4 u_proj;
uniform mat4 u_inv_proj;
uniform mat3 u_cam_rot;
uniform vec2 u_size;
uniform float u_ssr_max_m;      // longest reflection ray, metres
layout(location = 0) out vec4 o_hdr;
layout(location = 1) out vec4 o_ldr;

vec3 camera_point(vec2 frag, float depth) {
    vec2 ndc = frag / u_size * 2.0 - 1.0;
    vec4 v = u_inv_proj * vec4(ndc, 1.0, 1.0);
    vec3 ray = v.xyz / v.w;
    return ray / -ray.z * depth;  // GL camera frame (-Z forward), depth = -z
}

vec3 reflection(vec3 P, vec3 N, vec3 R) {
    vec3 miss = finite_or_zero(sky_radiance(u_cam_rot * R) * u_exposure);
    vec3 o = P + N * 0.02;
    float prev_t = 0.0;
    for (int k = 1; k <= SSR_STEPS; ++k) {
        float f = float(k) / float(SSR_STEPS);
        float t = u_ssr_max_m * f * f;
        vec3 q = o + R * t;
        if (q.z > -0.05) break;  // behind the eye
        vec4 clip = u_proj * vec4(q, 1.0);
        vec2 uv = clip.xy / clip.w * 0.5 + 0.5;
        if (any(lessThan(uv, vec2(0.0))) || any(greaterThan(uv, vec2(1.0)))) break;
        float qd = -q.z;
        float gap = qd - texture(u_depth, uv).r;  // > 0: the ray passed behind the surface seen there
        if (gap > 0.0) {
            if (gap < (t - prev_t) + 0.25 + 0.02 * qd) {
                // refine once: the midpoint of the last step, if the ray was already behind there
                vec3 qm = o + R * (0.5 * (t + prev_t));
                vec4 cm = u_proj * vec4(qm, 1.0);
                vec2 uvm = cm.xy / cm.w * 0.5 + 0.5;
                if (-qm.z > texture(u_depth, uvm).r) uv = uvm;
                vec2 edge = min(uv, 1.0 - uv) * 10.0;  // fade to the sky fallback near the screen border
                float fade = clamp(min(edge.x, edge.y), 0.0, 1.0);
                return mix(miss, texture(u_hdr_src, uv).rgb, fade);
            }
        }
        prev_t = t;
    }
    return miss;
}

void main() {
    ivec2 px = ivec2(gl_FragCoord.xy);
    vec3 c = texelFetch(u_hdr_src, px, 0).rgb;
    float depth = texelFetch(u_depth, px, 0).r;
    float wet = 0.0;
#ifdef SSR
    wet = isinf(depth) ? 0.0 : texelFetch(u_material, px, 0).a;
#endif
    vec4 rain = vec4(0.0);
#ifdef RAIN
    rain = texelFetch(u_rain, px, 0);
#endif
    if (wet <= 0.0 && rain.a <= 0.0) discard;
    if (wet > 0.0) {
        vec3 P = camera_point(gl_FragCoord.xy, depth);
        vec3 N = normalize(transpose(u_cam_rot) * texelFetch(u_normal, px, 0).xyz);  // world -> camera
        vec3 V = normalize(P);
        vec3 R = reflect(V, N);
        float cos_v = clamp(dot(-V, N), 0.0, 1.0);
        float F = 0.02 + 0.98 * pow(1.0 - cos_v, 5.0);
        float weight = wet * F;
        vec3 refl = weight < SSR_MIN_WEIGHT ? finite_or_zero(sky_radiance(u_cam_rot * R) * u_exposure)
                                            : reflection(P, N, R);
        c = mix(c, refl, weight);
    }
    c = c * (1.0 - min(rain.a, 1.0)) + rain.rgb;
    c = finite_or_zero(c);
    o_hdr = vec4(c, 1.0);
    o_ldr = tonemap_ldr(c);
}
#endif
