// Per-object motion blur from the motion buffer (the post chain's "motion_blur" step;
// gameir/render/passes/motion_blur.py): McGuire, Hennessy, Bukowski, Osman, "A Reconstruction Filter
// for Plausible Motion Blur" (I3D 2012). A pixel's blur radius is half its smear over the exposure:
// V = -(motion - jitter_delta) * shutter / 2 pixels (motion without the jitter change), at most
// MOTION_BLUR_TILE long. Variants: TILE_MAX (the longest V of each MOTION_BLUR_TILE^2 tile),
// NEIGHBOR_MAX (the longest over 3 x 3 tiles), GATHER (the reconstruction: samples along the
// neighbourhood's longest V, weighted by depth order and by whether each sample's own smear covers
// the pixel). Pixels whose neighbourhood moves by less than half a pixel are copied unchanged.
#if defined VERTEX_SHADER
#include "fullscreen.glsl"
#elif defined FRAGMENT_SHADER
layout(location = 0) out vec4 o_color;
uniform sampler2D u_motion;     // RG16F backward motion, pixels (jitter included)
uniform vec2 u_jitter_delta;    // jitter(t-1) - jitter(t), render pixels: the jitter part of motion
uniform float u_shutter;        // exposure / frame interval

vec2 blur_radius(ivec2 p) {
    vec2 v = -(texelFetch(u_motion, p, 0).xy - u_jitter_delta) * (0.5 * u_shutter);
    float len = length(v);
    return len > float(MOTION_BLUR_TILE) ? v * (float(MOTION_BLUR_TILE) / len) : v;
}

#if defined TILE_MAX
void main() {
    ivec2 base = ivec2(gl_FragCoord.xy) * MOTION_BLUR_TILE;
    ivec2 last = textureSize(u_motion, 0) - 1;
    vec2 best = vec2(0.0);
    for (int j = 0; j < MOTION_BLUR_TILE; ++j)
        for (int i = 0; i < MOTION_BLUR_TILE; ++i) {
            vec2 v = blur_radius(min(base + ivec2(i, j), last));
            if (dot(v, v) > dot(best, best)) best = v;
        }
    o_color = vec4(best, 0.0, 1.0);
}
#elif defined NEIGHBOR_MAX
uniform sampler2D u_tiles;
void main() {
    ivec2 p = ivec2(gl_FragCoord.xy);
    ivec2 last = textureSize(u_tiles, 0) - 1;
    vec2 best = vec2(0.0);
    for (int j = -1; j <= 1; ++j)
        for (int i = -1; i <= 1; ++i) {
            vec2 v = texelFetch(u_tiles, clamp(p + ivec2(i, j), ivec2(0), last), 0).xy;
            if (dot(v, v) > dot(best, best)) best = v;
        }
    o_color = vec4(best, 0.0, 1.0);
}
#elif defined GATHER
uniform sampler2D u_src;        // linear HDR colour
uniform sampler2D u_depth;      // R32F metres, +inf sky
uniform sampler2D u_neighbors;  // NEIGHBOR_MAX output
float depth_at(ivec2 p) {
    float z = texelFetch(u_depth, p, 0).r;
    return isinf(z) ? 1e6 : z;
}
// 1 where depth a is not farther than b (soft over a few per cent of the depth)
float closer(float a, float b) {
    return clamp(1.0 - (a - b) / (0.02 * min(a, b) + 0.01), 0.0, 1.0);
}
float cone(float dist, float len) { return clamp(1.0 - dist / len, 0.0, 1.0); }
float cylinder(float dist, float len) { return 1.0 - smoothstep(0.95 * len, 1.05 * len, dist); }
void main() {
    ivec2 X = ivec2(gl_FragCoord.xy);
    vec4 cx = texelFetch(u_src, X, 0);
    vec2 vn = texelFetch(u_neighbors, X / MOTION_BLUR_TILE, 0).xy;
    if (length(vn) <= 0.5) {
        o_color = cx;
        return;
    }
    ivec2 last = textureSize(u_src, 0) - 1;
    float zx = depth_at(X);
    float lx = max(length(blur_radius(X)), 0.5);
    float weight = 1.0 / lx;
    vec3 sum = cx.rgb * weight;
    // a fixed per-pixel offset of the sample positions (interleaved gradient noise): deterministic
    float jit = fract(52.9829189 * fract(dot(gl_FragCoord.xy, vec2(0.06711056, 0.00583715)))) - 0.5;
    for (int i = 0; i < MOTION_BLUR_SAMPLES; ++i) {
        if (i == (MOTION_BLUR_SAMPLES - 1) / 2) continue;
        float t = mix(-1.0, 1.0, (float(i) + jit + 1.0) / float(MOTION_BLUR_SAMPLES + 1));
        ivec2 Y = clamp(ivec2(floor(gl_FragCoord.xy + vn * t)), ivec2(0), last);
        float dist = length(vec2(Y - X));
        float zy = depth_at(Y);
        float ly = max(length(blur_radius(Y)), 0.5);
        float f = closer(zy, zx);  // Y in front of X
        float b = closer(zx, zy);  // Y behind X
        float a = f * cone(dist, ly) + b * cone(dist, lx) + 2.0 * cylinder(dist, ly) * cylinder(dist, lx);
        weight += a;
        sum += a * texelFetch(u_src, Y, 0).rgb;
    }
    o_color = vec4(sum / weight, 1.0);
}
#endif
#endif
