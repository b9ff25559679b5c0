// Shared shading functions (included by gbuffer.glsl FORWARD variant, sky.glsl and lighting.glsl).
// Conventions: world right-handed, metres, +Z up; colours linear; exposed radiance = radiance * 2^EV.

uniform vec3 u_cam_pos;            // camera centre, world
uniform vec3 u_cam_forward;        // unit optical axis, world
uniform vec3 u_sun_dir;            // unit vector towards the sun (0 if no sun)
uniform vec3 u_sun_radiance;       // colour * intensity (0 if no sun)
uniform int u_sun_shadow;          // 1 when u_shadow_map holds this frame's sun shadow
uniform sampler2DShadow u_shadow_map;
uniform mat4 u_shadow_mat;         // world -> shadow map [0,1]^3
uniform float u_shadow_normal_offset;  // metres
uniform int u_num_lights;
uniform vec4 u_light_pos[MAX_LIGHTS];    // xyz position, w type (LIGHT_POINT / LIGHT_SPOT)
uniform vec4 u_light_color[MAX_LIGHTS];  // rgb colour * intensity, w range (m)
uniform vec4 u_light_dir[MAX_LIGHTS];    // xyz spot axis, w cos(outer cone)
uniform float u_light_cos_inner[MAX_LIGHTS];
uniform vec3 u_ambient_sky;
uniform vec3 u_ambient_ground;
uniform vec3 u_sky_zenith;
uniform vec3 u_sky_horizon;
uniform vec3 u_sky_ground;
uniform vec2 u_sun_disc;           // cos(disc radius), disc radiance / sun radiance
uniform vec4 u_fog;                // density (1/m), height falloff (1/m), reference height (m), far (m)
uniform vec3 u_fog_color;
uniform float u_exposure;          // 2^EV

#include "color.glsl"


vec3 sky_radiance(vec3 d) {
    vec3 c;
    if (d.z >= 0.0) {
        c = mix(u_sky_horizon, u_sky_zenith, sqrt(clamp(d.z, 0.0, 1.0)));
    } else {
        c = mix(u_sky_horizon, u_sky_ground, sqrt(clamp(-4.0 * d.z, 0.0, 1.0)));
    }
    float cd = dot(d, u_sun_dir);
    float edge = max(1.0 - u_sun_disc.x, 0.0) * 0.1 + 1e-7;  // edges stay ordered
    c += u_sun_radiance * u_sun_disc.y * smoothstep(u_sun_disc.x - edge, u_sun_disc.x + edge, cd);
    return c;
}

// Transmittance of exponential height fog along a ray of unit direction d and length dist (m).
float fog_transmittance(vec3 d, float dist) {
    if (u_fog.x <= 0.0) return 1.0;
    float b = u_fog.y;
    float a = u_fog.x * exp(clamp(-b * (u_cam_pos.z - u_fog.z), -80.0, 80.0));
    float bz = clamp(b * d.z * dist, -80.0, 80.0);
    float integral = abs(bz) > 1e-4 ? (1.0 - exp(-bz)) / bz : 1.0 - 0.5 * bz;
    return exp(-min(a * dist * integral, 80.0));
}

float sun_shadow(vec3 P, vec3 N) {
    if (u_sun_shadow == 0) return 1.0;
    vec4 s = u_shadow_mat * vec4(P + N * u_shadow_normal_offset, 1.0);
    vec3 c = s.xyz / s.w;
    if (c.z >= 1.0 || c.x < 0.0 || c.y < 0.0 || c.x > 1.0 || c.y > 1.0) return 1.0;
    return texture(u_shadow_map, c);  // hardware 2x2 bilinear PCF (one tap: 4 taps cost ~30% of the pass)
}

// Lambert + GGX Cook-Torrance (height-correlated Smith visibility, Schlick Fresnel) for one light.
vec3 brdf_cos(vec3 N, vec3 V, vec3 L, vec3 diffuse, vec3 F0, float alpha) {
    float NdotL = dot(N, L);
    if (NdotL <= 0.0) return vec3(0.0);
    vec3 H = normalize(V + L);
    float NdotV = max(dot(N, V), 1e-4);
    float NdotH = max(dot(N, H), 0.0);
    float VdotH = max(dot(V, H), 0.0);
    float a2 = alpha * alpha;
    float d = NdotH * NdotH * (a2 - 1.0) + 1.0;
    float D = a2 / (PI * d * d);
    float vis = 0.5 / (NdotL * sqrt(NdotV * NdotV * (1.0 - a2) + a2) + NdotV * sqrt(NdotL * NdotL * (1.0 - a2) + a2));
    float f1 = 1.0 - VdotH;
    float f2 = f1 * f1;
    vec3 F = F0 + (1.0 - F0) * (f2 * f2 * f1);
    return (diffuse / PI + D * vis * F) * NdotL;
}

// Karis' analytic approximation of the split-sum environment BRDF (mobile).
vec3 env_brdf(vec3 F0, float roughness, float NdotV) {
    vec4 c0 = vec4(-1.0, -0.0275, -0.572, 0.022);
    vec4 c1 = vec4(1.0, 0.0425, 1.04, -0.04);
    vec4 r = roughness * c0 + c1;
    float a004 = min(r.x * r.x, exp2(-9.28 * NdotV)) * r.x + r.y;
    vec2 ab = vec2(-1.04, 1.04) * a004 + r.zw;
    return F0 * ab.x + ab.y;
}

vec3 hemi_ambient(vec3 d) {
    return mix(u_ambient_ground, u_ambient_sky, 0.5 * d.z + 0.5);
}

// Unexposed outgoing radiance towards V of a surface point P with unit normal N; ao in [0, 1]
// scales the ambient (hemisphere + environment) terms only.
vec3 shade(vec3 P, vec3 N, vec3 V, vec3 albedo, float metallic, float specular, float roughness, float ao) {
    vec3 diffuse = albedo * (1.0 - metallic);
    vec3 F0 = mix(vec3(0.08 * specular), albedo, metallic);
    float alpha = max(roughness * roughness, 0.002);
    float NdotV = max(dot(N, V), 1e-4);
    vec3 R = reflect(-V, N);
    vec3 c = (diffuse * hemi_ambient(N) + env_brdf(F0, roughness, NdotV) * hemi_ambient(R)) * ao;
    if (dot(u_sun_radiance, u_sun_radiance) > 0.0) {
        c += brdf_cos(N, V, u_sun_dir, diffuse, F0, alpha) * u_sun_radiance * sun_shadow(P, N);
    }
    for (int i = 0; i < u_num_lights; ++i) {
        vec3 Lv = u_light_pos[i].xyz - P;
        float dist2 = max(dot(Lv, Lv), 1e-8);
        float range = u_light_color[i].w;
        float ratio = dist2 / (range * range);
        float window = clamp(1.0 - ratio * ratio, 0.0, 1.0);
        if (window <= 0.0) continue;
        vec3 L = Lv * inversesqrt(dist2);
        float atten = window * window / dist2;
        if (int(u_light_pos[i].w + 0.5) == LIGHT_SPOT) {
            float cd = dot(-L, u_light_dir[i].xyz);
            atten *= smoothstep(u_light_dir[i].w, u_light_cos_inner[i], cd);
        }
        c += brdf_cos(N, V, L, diffuse, F0, alpha) * u_light_color[i].rgb * atten;
    }
    return c;
}

// Radiance safe to store as float16: NaN/inf -> 0, clamped below the float16 maximum (65504).
vec3 finite_or_zero(vec3 c) {
    return (any(isnan(c)) || any(isinf(c))) ? vec3(0.0) : clamp(c, vec3(0.0), vec3(65000.0));
}
