// Geometry pass. Default: writes the G-buffer MRT (emissive into scene colour). Variant FORWARD:
// shades each fragment and writes exposed, fogged radiance to location 0 (the MSAA colour path).
// Variant ALPHA_TEST: cut-out materials. Texture variants (one lookup each, only where the material
// has the map): BASE_TEX, NORMAL_TEX, MR_TEX (glTF metallic-roughness), EMISSIVE_TEX, DETAIL_TEX;
// TILE_VARIATION hashes each texture repeat's uv (stochastic tiling). Projections are y-flipped so GL
// row 0 is the image's top row.
#if defined BASE_TEX || defined NORMAL_TEX || defined MR_TEX || defined EMISSIVE_TEX || defined DETAIL_TEX
#define ANY_TEX 1
#endif
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
#ifdef ANY_TEX
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
#ifdef ANY_TEX
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
#ifdef ANY_TEX
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
uniform sampler2D u_mr_tex;        // glTF metallic-roughness: G roughness, B metallic (linear)
uniform sampler2D u_emissive_tex;  // sRGB emissive colour mask
uniform sampler2D u_detail_tex;    // linear: RGB x 2 multiplies base colour, A x 2 roughness
uniform float u_detail_scale;      // detail uv repeats per base uv unit
uniform uint u_tile_seed;          // TILE_VARIATION: hash seed of the per-repeat offsets and rotations
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
// dx, dy: the uv gradients, already scaled by u_lod_scale. implicit: the isotropic tap may use the
// hardware's own derivatives (uv continuous across the quad; false with TILE_VARIATION).
vec4 sample_grad(sampler2D tex, vec2 uv, vec2 dx, vec2 dy, bool implicit) {
    vec2 size = vec2(textureSize(tex, 0));
    float lx = length(dx * size);
    float ly = length(dy * size);
    vec2 major = lx > ly ? dx : dy;
    vec2 minor = lx > ly ? dy : dx;
    float n = clamp(ceil(max(lx, ly) / max(min(lx, ly), 1e-8)), 1.0, u_max_aniso);
    if (n <= 1.0) return implicit ? texture(tex, uv, u_lod_bias) : textureGrad(tex, uv, dx, dy);
    int count = int(n);
    vec2 step_grad = major / n;
    vec4 acc = vec4(0.0);
    for (int i = 0; i < count; ++i) {
        acc += textureGrad(tex, uv + major * ((float(i) + 0.5) / n - 0.5), step_grad, minor);
    }
    return acc / n;
}

vec4 sample_biased(sampler2D tex, vec2 uv) {
    return sample_grad(tex, uv, dFdx(uv) * u_lod_scale, dFdy(uv) * u_lod_scale, true);
}

#ifdef TILE_VARIATION
// Stochastic tiling: the repeat (integer uv cell) c gets hash h(c, seed); its uv is rotated about the
// cell centre by (h & 3) quarter turns and shifted by a hashed offset in [0, 1)^2 (the texture
// repeats, so the shift only changes which part of it shows). Gradients rotate with the uv, so the
// mip level stays continuous across cell borders; the normal map's xy turns back with the uv.
uint hash_u32(uint x) {  // lowbias32 (Chris Wellons)
    x ^= x >> 16; x *= 0x7feb352du; x ^= x >> 15; x *= 0x846ca68bu; x ^= x >> 16;
    return x;
}
mat2 tile_rotation(uint h) {
    uint q = h & 3u;
    return q == 0u ? mat2(1.0, 0.0, 0.0, 1.0) : q == 1u ? mat2(0.0, 1.0, -1.0, 0.0)
         : q == 2u ? mat2(-1.0, 0.0, 0.0, -1.0) : mat2(0.0, -1.0, 1.0, 0.0);
}
uint tile_hash(vec2 uv) {
    ivec2 c = ivec2(floor(uv));
    return hash_u32(uint(c.x) * 0x9E3779B1u ^ hash_u32(uint(c.y) ^ (u_tile_seed * 0x85EBCA77u)));
}
#endif

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
#ifdef ANY_TEX
#ifdef TILE_VARIATION
    uint th = tile_hash(v_uv);
    mat2 rot = tile_rotation(th);
    vec2 cell = floor(v_uv);
    vec2 tuv = cell + 0.5 + rot * (v_uv - cell - 0.5) + vec2(float((th >> 2) & 1023u), float((th >> 12) & 1023u)) / 1024.0;
    vec2 tdx = rot * dFdx(v_uv) * u_lod_scale;
    vec2 tdy = rot * dFdy(v_uv) * u_lod_scale;
#define SAMPLE_MAP(tex, wrap) sample_grad(tex, wrap_uv(tuv, wrap), tdx, tdy, false)
#define SAMPLE_TAP(tex) textureGrad(tex, wrap_uv(tuv, u_wrap_base), tdx, tdy)
#else
#define SAMPLE_MAP(tex, wrap) sample_biased(tex, wrap_uv(v_uv, wrap))
#define SAMPLE_TAP(tex) texture(tex, wrap_uv(v_uv, u_wrap_base), u_lod_bias)
#endif
#endif
#ifdef BASE_TEX
    base *= SAMPLE_MAP(u_base_tex, u_wrap_base);
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
            vec3 tn = SAMPLE_MAP(u_normal_tex, u_wrap_normal).xyz * 2.0 - 1.0;
            tn.xy *= u_normal_scale;
#ifdef TILE_VARIATION
            tn.xy = transpose(rot) * tn.xy;  // the map's axes turned with the uv
#endif
            vec3 mapped = T * tn.x + B * tn.y + N * tn.z;
            float ml = length(mapped);
            if (ml > 1e-12) N = mapped / ml;
        }
    }
#endif
    float roughness = u_roughness;
    float metallic = u_metallic;
    vec3 emissive = u_emissive;
#ifdef MR_TEX
    {   // one trilinear tap (the base colour map's uv and wrap): roughness and metalness vary slowly
        vec4 mr = SAMPLE_TAP(u_mr_tex);
        roughness *= mr.g;
        metallic *= mr.b;
    }
#endif
#ifdef EMISSIVE_TEX
    emissive *= SAMPLE_TAP(u_emissive_tex).rgb;
#endif
#ifdef DETAIL_TEX
    {
        vec4 detail = texture(u_detail_tex, v_uv * u_detail_scale, u_lod_bias);
        base.rgb *= 2.0 * detail.rgb;
        roughness = clamp(roughness * 2.0 * detail.a, 0.0, 1.0);
    }
#endif
#ifndef FORWARD
    // Both ends through the same interpolation: exactly zero motion when nothing moved.
    vec2 cur = (v_cur_clip.xy / v_cur_clip.w * 0.5 + 0.5) * u_size;
    vec2 prev = v_prev_clip.w > 1e-6 ? (v_prev_clip.xy / v_prev_clip.w * 0.5 + 0.5) * u_size : cur;
    o_scene_color = vec4(min(emissive * u_exposure, vec3(65000.0)), 1.0);
    o_basecolor = vec4(clamp(base.rgb, 0.0, 1.0), 1.0);  // sRGB attachment: encoded on write
    o_normal = vec4(N, 0.0);
    o_material = vec4(metallic, u_specular, roughness, u_wetness);
    o_depth = v_cur_clip.w;
    o_motion = clamp(prev - cur, vec2(-30000.0), vec2(30000.0));
    o_semantic = v_ids.x;
    o_instance = v_ids.y;
#else
    vec3 V = u_cam_pos - v_world;
    float dist = length(V);
    V = dist > 1e-9 ? V / dist : -u_cam_forward;
    vec3 lit = (emissive + shade(v_world, N, V, base.rgb, metallic, u_specular, roughness, 1.0)) * u_exposure;
    float T = fog_transmittance(-V, dist);
    o_color = vec4(finite_or_zero(lit * T + u_fog_color * u_exposure * (1.0 - T)), 1.0);
#endif
}
#endif
