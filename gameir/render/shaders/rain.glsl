// Rain streaks: one camera-facing quad per drop, from its head (position at t) to its tail (at
// t - streak exposure), at least one pixel wide (a thinner streak is dimmed to keep its coverage).
// Additive blending into the rain target: rgb = sum of premultiplied radiance, a = sum of coverage
// (order-independent, hence deterministic). Depth-tested by hand against the G-buffer depth; the
// streaks write no G-buffer (the composite pass blends them into hdr and rgb only).
#if defined VERTEX_SHADER
layout(location = 0) in vec3 in_head;
layout(location = 1) in vec3 in_tail;
uniform mat4 u_view_proj;
uniform mat4 u_proj;
uniform vec2 u_size;
uniform float u_width_m;
out float v_alpha;
out float v_depth;
out float v_across;
void main() {
    vec4 ch = u_view_proj * vec4(in_head, 1.0);
    vec4 ct = u_view_proj * vec4(in_tail, 1.0);
    v_alpha = 0.0;
    v_depth = 0.0;
    v_across = 0.0;
    if (ch.w < 0.1 || ct.w < 0.1) {  // an end behind or at the eye: drop the streak
        gl_Position = vec4(0.0, 0.0, 2.0, 1.0);  // outside the clip volume
        return;
    }
    vec2 half_size = 0.5 * u_size;
    vec2 sh = ch.xy / ch.w * half_size;  // pixels from the image centre
    vec2 st = ct.xy / ct.w * half_size;
    vec2 along = sh - st;
    float len = length(along);
    vec2 dir = len > 1e-4 ? along / len : vec2(0.0, 1.0);
    vec2 perp = vec2(-dir.y, dir.x);
    bool tail = (gl_VertexID & 2) != 0;
    vec4 c = tail ? ct : ch;
    float side = (gl_VertexID & 1) != 0 ? 1.0 : -1.0;
    float width_px = u_width_m * abs(u_proj[0][0]) * half_size.x / c.w;
    float drawn = max(width_px, 1.0);
    vec2 s = (tail ? st - dir * 0.5 : sh + dir * 0.5) + perp * (side * 0.5 * drawn);
    v_alpha = width_px / drawn;
    v_depth = c.w;
    v_across = side;
    gl_Position = vec4(s / half_size * c.w, c.z, c.w);
}
#elif defined FRAGMENT_SHADER
in float v_alpha;
in float v_depth;
in float v_across;
uniform sampler2D u_depth;     // metres along the optical axis, +inf for sky
uniform float u_opacity;       // peak coverage of a streak
uniform float u_fade_m;        // streaks fade out towards this distance (the edge of the drop box)
uniform vec3 u_rain_color;     // exposed linear radiance of a streak
layout(location = 0) out vec4 o_rain;
void main() {
    float scene_depth = texelFetch(u_depth, ivec2(gl_FragCoord.xy), 0).r;
    if (v_depth >= scene_depth) discard;
    float a = u_opacity * v_alpha * (1.0 - v_across * v_across) * (1.0 - smoothstep(0.6 * u_fade_m, u_fade_m, v_depth));
    o_rain = vec4(u_rain_color * a, a);
}
#endif
