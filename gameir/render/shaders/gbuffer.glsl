// Geometry pass. Default: writes the G-buffer MRT (emissive into scene colour). Variant FORWARD:
// shades each fragment and writes exposed, fogged radiance to location 0 (the MSAA colour path).
// Variant ALPHA_TEST: cut-out materials. Projections are y-flipped so GL row 0 is the image's top row.
#if defined VERTEX_SHADER
in vec3 in_position;
in vec3 in_normal;
in vec2 in_uv;
in vec4 in_tangent;
in mat4 i_model;       // object -> world at t
in mat4 i_prev_model;  // object -> world at t - dt
in vec2 i_ids;         // semantic tag, instance id
uniform mat4 u_view_proj;
uniform mat4 u_prev_view_proj;
out vec3 v_normal;
out vec4 v_cur_clip;   // w = distance along the optical axis (m)
out vec4 v_prev_clip;
flat out uvec2 v_ids;
#if defined BASE_TEX || defined NORMAL_TEX
out vec2 v_uv;
#endif
#ifdef NORMAL_TEX
out vec4 v_tangent;
#endif
#ifdef FORWARD
out vec3 v_world;
#endif
invariant gl_Position;  // bit-identical to the depth pre-pass (shadow.glsl)
void main() {
    vec4 world = i_model * vec4(in_position, 1.0);
    mat3 m3 = mat3(i_model);
    v_normal = transpose(inverse(m3)) * in_normal;
#if defined BASE_TEX || defined NORMAL_TEX
    v_uv = in_uv;
#endif
#ifdef NORMAL_TEX
    v_tangent = vec4(m3 * in_tangent.xyz, in_tangent.w * (determinant(m3) < 0.0 ? -1.0 : 1.0));
#endif
#ifdef FORWARD
    v_world = world.xyz;
#endif
    v_prev_clip = u_prev_view_proj * (i_prev_model * vec4(in_position, 1.0));
    v_ids = uvec2(i_ids + 0.5);
    v_cur_clip = u_view_proj * world;
    gl_Position = v_cur_clip;
}
#elif defined FRAGMENT_SHADER
#ifdef FORWARD
#include "shading.glsl"
#endif
in vec3 v_normal;
in vec4 v_cur_clip;
in vec4 v_prev_clip;
flat in uvec2 v_ids;
#if defined BASE_TEX || defined NORMAL_TEX
in vec2 v_uv;
#endif
#ifdef NORMAL_TEX
in vec4 v_tangent;
#endif
#ifdef FORWARD
in vec3 v_world;
#endif
uniform vec4 u_base_color;     // linear RGBA factor
uniform float u_roughness;
uniform float u_wetness;          // standing water 0..1: stored in material.a for the reflection pass
uniform float u_metallic;
uniform float u_specular;
uniform vec3 u_emissive;       // linear, colour * strength
uniform float u_normal_scale;
uniform float u_alpha_cutoff;
uniform int u_wrap_base;
uniform int u_wrap_normal;
uniform float u_lod_bias;      // texture LOD bias (log2 units)
uniform float u_lod_scale;     // 2^lod_bias, scales the uv gradients
uniform float u_max_aniso;     // maximum anisotropic taps (1 = trilinear)
uniform vec2 u_size;           // render target size in pixels
uniform sampler2D u_base_tex;
uniform sampler2D u_normal_tex;
#ifndef FORWARD
uniform float u_exposure;
#include "gbuffer_outputs.glsl"
#else
layout(location = 0) out vec4 o_color;
#endif

vec2 wrap_uv(vec2 uv, int mode) {
    return mode == WRAP_MIRROR ? 1.0 - abs(mod(uv, 2.0) - 1.0) : uv;
}

// Anisotropic, LOD-biased texture lookup done in the shader: up to u_max_aniso trilinear taps along
// the footprint's major axis, each with gradients scaled by 2^lod_bias. (llvmpipe's built-in
// anisotropic path ignores both the bias argument and explicit gradients, so GL anisotropy stays 1.)
vec4 sample_biased(sampler2D tex, vec2 uv) {
    vec2 dx = dFdx(uv) * u_lod_scale;
    vec2 dy = dFdy(uv) * u_lod_scale;
    vec2 size = vec2(textureSize(tex, 0));
    float lx = length(dx * size);
    float ly = length(dy * size);
    vec2 major = lx > ly ? dx : dy;
    vec2 minor = lx > ly ? dy : dx;
    float n = clamp(ceil(max(lx, ly) / max(min(lx, ly), 1e-8)), 1.0, u_max_aniso);
    if (n <= 1.0) return texture(tex, uv, u_lod_bias);  // isotropic footprint: plain trilinear
    int count = int(n);
    vec2 step_grad = major / n;
    vec4 acc = vec4(0.0);
    for (int i = 0; i < count; ++i) {
        acc += textureGrad(tex, uv + major * ((float(i) + 0.5) / n - 0.5), step_grad, minor);
    }
    return acc / n;
}

void main() {
#ifdef ALPHA_TEST
    // coverage from one biased trilinear lookup, the expression of shadow.glsl's depth pre-pass:
    // both passes keep the same fragments (the colour keeps its anisotropic lookup); tested
    // first, so discarded fragments skip the anisotropic taps
#ifdef BASE_TEX
    if (u_base_color.a * texture(u_base_tex, wrap_uv(v_uv, u_wrap_base), u_lod_bias).a < u_alpha_cutoff) discard;
#else
    if (u_base_color.a < u_alpha_cutoff) discard;  // the pre-pass samples a white texture: alpha 1
#endif
#endif
    vec4 base = u_base_color;
#ifdef BASE_TEX
    base *= sample_biased(u_base_tex, wrap_uv(v_uv, u_wrap_base));
#endif
    vec3 N = v_normal;
    float nl = length(N);
    N = nl > 1e-12 ? N / nl : vec3(0.0, 0.0, 1.0);
    if (!gl_FrontFacing) N = -N;
#ifdef NORMAL_TEX
    {
        vec3 T = v_tangent.xyz - N * dot(N, v_tangent.xyz);
        float tl = length(T);
        if (tl > 1e-12) {
            T /= tl;
            vec3 B = cross(N, T) * v_tangent.w;
            vec3 tn = sample_biased(u_normal_tex, wrap_uv(v_uv, u_wrap_normal)).xyz * 2.0 - 1.0;
            tn.xy *= u_normal_scale;
            vec3 mapped = T * tn.x + B * tn.y + N * tn.z;
            float ml = length(mapped);
            if (ml > 1e-12) N = mapped / ml;
        }
    }
#endif
#ifndef FORWARD
    // Both ends through the same interpolation: exactly zero motion when nothing moved.
    vec2 cur = (v_cur_clip.xy / v_cur_clip.w * 0.5 + 0.5) * u_size;
    vec2 prev = v_prev_clip.w > 1e-6 ? (v_prev_clip.xy / v_prev_clip.w * 0.5 + 0.5) * u_size : cur;
    o_scene_color = vec4(min(u_emissive * u_exposure, vec3(65000.0)), 1.0);
    o_basecolor = vec4(clamp(base.rgb, 0.0, 1.0), 1.0);  // sRGB attachment: encoded on write
    o_normal = vec4(N, 0.0);
    o_material = vec4(u_metallic, u_specular, u_roughness, u_wetness);
    o_depth = v_cur_clip.w;
    o_motion = clamp(prev - cur, vec2(-30000.0), vec2(30000.0));
    o_semantic = v_ids.x;
    o_instance = v_ids.y;
#else
    vec3 V = u_cam_pos - v_world;
    float dist = length(V);
    V = dist > 1e-9 ? V / dist : -u_cam_forward;
    vec3 lit = (u_emissive + shade(v_world, N, V, base.rgb, u_metallic, u_specular, u_roughness, 1.0)) * u_exposure;
    float T = fog_transmittance(-V, dist);
    o_color = vec4(finite_or_zero(lit * T + u_fog_color * u_exposure * (1.0 - T)), 1.0);
#endif
}
#endif
