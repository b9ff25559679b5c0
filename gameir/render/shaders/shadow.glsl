// Depth only: the sun's shadow map, and the camera's depth pre-pass (u_light_view_proj = camera
// view-projection). Variant ALPHA_TEST discards cut-out texels.
#if defined VERTEX_SHADER
in vec3 in_position;
in vec2 in_uv;
in mat4 i_model;
uniform mat4 u_light_view_proj;
out vec2 v_uv;
invariant gl_Position;  // the G-buffer pass computes the same expression and tests depth with <=
void main() {
    v_uv = in_uv;
    gl_Position = u_light_view_proj * (i_model * vec4(in_position, 1.0));
}
#elif defined FRAGMENT_SHADER
in vec2 v_uv;
#ifdef ALPHA_TEST
uniform sampler2D u_base_tex;
uniform float u_base_alpha;
uniform float u_alpha_cutoff;
uniform int u_wrap_base;
uniform float u_lod_bias;
#endif
void main() {
#ifdef ALPHA_TEST
    // the same expression as gbuffer.glsl's ALPHA_TEST, so the depth pre-pass and the G-buffer pass
    // keep exactly the same cut-out fragments (the shadow pass sets u_lod_bias = 0)
    vec2 uv = u_wrap_base == WRAP_MIRROR ? 1.0 - abs(mod(v_uv, 2.0) - 1.0) : v_uv;
    if (u_base_alpha * texture(u_base_tex, uv, u_lod_bias).a < u_alpha_cutoff) discard;
#endif
}
#endif
