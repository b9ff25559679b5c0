// Temporal anti-aliasing (aa="taa"; gameir/render/passes/taa.py), in linear HDR after lighting.
// Each pixel's history is fetched bilinearly where the stored backward motion, less the jitter
// change between the frames (u_jitter_delta = jitter(t-1) - jitter(t)), says its surface was in the
// previous frame; clamped to the min/max box of the current 3 x 3 neighbourhood in YCoCg; then
// blended: out = mix(history, current, u_alpha). History is rejected (the current sample alone)
// where it falls outside the image, on a reset (u_reset), or where no pixel of the previous frame's
// 3 x 3 around the reprojected position shows this surface: pixels of the same instance id whose
// depths bracket the depth this surface had then (static-world reprojection of the current depth
// into the previous camera, relative tolerance TAA_DEPTH_TOL), or sky then and now. Outputs: the resolved colour, this frame's depth and instance (next frame's history
// test) and the rejection mask (1 = rejected) for the rejected-pixel fraction.
#if defined VERTEX_SHADER
#include "fullscreen.glsl"
#elif defined FRAGMENT_SHADER
layout(location = 0) out vec4 o_color;
layout(location = 1) out float o_depth;
layout(location = 2) out uint o_instance;
layout(location = 3) out float o_reject;
uniform sampler2D u_current;          // lit linear HDR, this frame (jittered), nearest
uniform sampler2D u_history;          // previous TAA output, linear filtering
uniform sampler2D u_motion;           // RG16F backward motion, pixels (jitter included)
uniform sampler2D u_depth;            // R32F metres, +inf sky
uniform usampler2D u_instance;        // R16UI
uniform sampler2D u_prev_depth;       // previous frame's depth (TAA copy)
uniform usampler2D u_prev_instance;   // previous frame's instance (TAA copy)
uniform vec2 u_jitter_delta;          // jitter(t-1) - jitter(t), pixels
uniform vec2 u_jitter;                // jitter(t), pixels
uniform mat4 u_inv_proj;              // current projection (y-flipped, jittered), inverse
uniform mat4 u_cur_to_prev_view;      // current view space -> previous view space (static world)
uniform float u_alpha;                // weight of the current sample
uniform int u_reset;                  // 1: no usable history

vec3 to_ycocg(vec3 c) {
    return vec3(0.25 * c.r + 0.5 * c.g + 0.25 * c.b, 0.5 * c.r - 0.5 * c.b, -0.25 * c.r + 0.5 * c.g - 0.25 * c.b);
}
vec3 from_ycocg(vec3 y) {
    return vec3(y.x + y.y - y.z, y.x + y.z, y.x - y.y - y.z);
}

void main() {
    ivec2 p = ivec2(gl_FragCoord.xy);
    ivec2 last = textureSize(u_current, 0) - 1;
    vec2 size = vec2(textureSize(u_current, 0));
    vec3 cur = texelFetch(u_current, p, 0).rgb;
    float z = texelFetch(u_depth, p, 0).r;
    uint inst = texelFetch(u_instance, p, 0).r;
    o_depth = z;
    o_instance = inst;
    vec3 lo = to_ycocg(cur), hi = lo;
    for (int j = -1; j <= 1; ++j)
        for (int i = -1; i <= 1; ++i) {
            vec3 c = to_ycocg(texelFetch(u_current, clamp(p + ivec2(i, j), ivec2(0), last), 0).rgb);
            lo = min(lo, c);
            hi = max(hi, c);
        }
    vec2 prev_px = gl_FragCoord.xy + texelFetch(u_motion, p, 0).xy - u_jitter_delta;
    bool reject = u_reset != 0 || any(lessThan(prev_px, vec2(0.0))) || any(greaterThan(prev_px, size));
    if (!reject) {
        // the surface z would have had in the previous frame if the world stood still
        float z_expected = 0.0;
        if (!isinf(z)) {
            vec2 ndc = (gl_FragCoord.xy / size) * 2.0 - 1.0;  // jittered pixel centre at depth z
            vec4 ray = u_inv_proj * vec4(ndc, 1.0, 1.0);
            vec3 view = ray.xyz / ray.w;
            view *= z / max(-view.z, 1e-6);
            z_expected = -(u_cur_to_prev_view * vec4(view, 1.0)).z;
        }
        // history is kept when the previous frame's 3 x 3 around the reprojected pixel shows this
        // surface: sky then and now, or pixels of the same instance whose depths bracket the
        // expected one (within TAA_DEPTH_TOL): jitter moves edges and grazing surfaces by a pixel
        ivec2 q = ivec2(floor(prev_px));
        bool found = false;
        float zmin = 1e30, zmax = -1.0;
        for (int j = -1; j <= 1; ++j)
            for (int i = -1; i <= 1; ++i) {
                ivec2 n = clamp(q + ivec2(i, j), ivec2(0), last);
                if (texelFetch(u_prev_instance, n, 0).r != inst) continue;
                float zp = texelFetch(u_prev_depth, n, 0).r;
                if (isinf(zp)) {
                    found = found || isinf(z);
                } else {
                    zmin = min(zmin, zp);
                    zmax = max(zmax, zp);
                }
            }
        if (!isinf(z)) {
            // this surface's depth range over the current 3 x 3 (same instance), carried to the
            // previous frame, must overlap the previous one's: a grazing surface's depth changes by
            // more than the tolerance over a pixel of jitter
            float cmin = z, cmax = z;
            for (int j = -1; j <= 1; ++j)
                for (int i = -1; i <= 1; ++i) {
                    ivec2 n = clamp(p + ivec2(i, j), ivec2(0), last);
                    float zc = texelFetch(u_depth, n, 0).r;
                    if (texelFetch(u_instance, n, 0).r == inst && !isinf(zc)) {
                        cmin = min(cmin, zc);
                        cmax = max(cmax, zc);
                    }
                }
            float k = z_expected / z;
            found = zmax > 0.0 && k * cmax >= zmin * (1.0 - TAA_DEPTH_TOL) && k * cmin <= zmax * (1.0 + TAA_DEPTH_TOL);
        }
        reject = !found;
    }
    vec3 result = cur;
    if (!reject) {
        vec3 hist = to_ycocg(texture(u_history, prev_px / size).rgb);
        result = mix(from_ycocg(clamp(hist, lo, hi)), cur, u_alpha);
    }
    o_color = vec4(max(result, vec3(0.0)), 1.0);
    o_reject = reject ? 1.0 : 0.0;
}
#endif
