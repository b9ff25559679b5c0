// Per-object motion blur from the motion buffer (the post chain's "motion_blur" step;
// gameir/render/passes/motion_blur.py). A pixel's blur radius is half its smear over the exposure:
// V = -(motion - jitter_delta) * shutter / 2 pixels (motion without the jitter change), at most
// MOTION_BLUR_TILE long; over the exposure (instants tau in [-1/2, 1/2], centred on the frame) the
// surface seen at pixel X at tau sits at X + 2 tau V. Variants: TILE_MAX and NEIGHBOR_MAX (the longest
// V of each MOTION_BLUR_TILE^2 tile, then over 3 x 3 tiles: the neighbourhood velocity of McGuire et
// al., "A Reconstruction Filter for Plausible Motion Blur", I3D 2012) and GATHER: for each of
// MOTION_BLUR_SAMPLES instants, the surface Y that the neighbourhood velocity would bring to X is
// taken if its own motion does bring it there and it is nearer than X's own surface (or that one has
// moved away); else X's own surface if it is still there; else the farther of the two (the
// background a moving object reveals). The pixel is the mean over the instants: a box moving over a
// still background gets the exact linear ramps of a box filter in time. Pixels whose neighbourhood
// moves by less than half a pixel are copied unchanged.
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
void main() {
    ivec2 X = ivec2(gl_FragCoord.xy);
    vec4 cx = texelFetch(u_src, X, 0);
    vec2 vn = texelFetch(u_neighbors, X / MOTION_BLUR_TILE, 0).xy;
    if (length(vn) <= 0.5) {
        o_color = cx;
        return;
    }
    ivec2 last = textureSize(u_src, 0) - 1;
    float zx = texelFetch(u_depth, X, 0).r;
    vec2 vx = blur_radius(X);
    // stratified instants of the exposure, offset per pixel (interleaved gradient noise): deterministic
    float jit = fract(52.9829189 * fract(dot(gl_FragCoord.xy, vec2(0.06711056, 0.00583715)))) - 0.5;
    vec3 sum = vec3(0.0);
    for (int i = 0; i < MOTION_BLUR_SAMPLES; ++i) {
        float tau = (float(i) + 0.5 + jit) / float(MOTION_BLUR_SAMPLES) - 0.5;  // in (-1/2, 1/2)
        // the surface that would be at X at this instant if it moved like the neighbourhood
        ivec2 Y = clamp(ivec2(floor(gl_FragCoord.xy - 2.0 * tau * vn)), ivec2(0), last);
        vec2 vy = blur_radius(Y);
        float zy = texelFetch(u_depth, Y, 0).r;
        bool y_here = length(vec2(Y) + 0.5 + 2.0 * tau * vy - gl_FragCoord.xy) < 1.0;  // Y's own motion brings it to X
        bool x_here = length(2.0 * tau * vx) < 0.5;                                     // X's surface has not left
        vec3 c;
        if (y_here && (!x_here || zy < zx)) c = texelFetch(u_src, Y, 0).rgb;
        else if (x_here) c = cx.rgb;
        else c = zy >= zx ? texelFetch(u_src, Y, 0).rgb : cx.rgb;  // neither: the farther, the revealed background
        sum += c;
    }
    o_color = vec4(sum / float(MOTION_BLUR_SAMPLES), 1.0);
}
#endif
#endif
