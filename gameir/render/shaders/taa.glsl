// Temporal anti-aliasing (aa="taa"; gameir/render/passes/taa.py), in linear HDR after lighting.
// Each pixel's history is fetched where the stored backward motion, less the jitter change between
// the frames (u_jitter_delta = jitter(t-1) - jitter(t)), says its surface was in the previous frame:
// bilinearly, or (variant CATMULL_ROM) by the 5-lookup Catmull-Rom bicubic of the texels around it;
// clamped to the min/max box of the current 3 x 3 neighbourhood in YCoCg, or (variant
// VARIANCE_CLIP) clipped towards the centre of the box mean +- TAA_VARIANCE_GAMMA sigma of that
// neighbourhood (intersected with the min/max box); then blended: out = mix(history, current, u_alpha). History is rejected (the current sample alone)
// where it falls outside the image, on a reset (u_reset), or where no pixel of the previous frame's
// 3 x 3 around the reprojected position shows this surface: pixels of the same instance id whose
// depths bracket the depth this surface had then (static-world reprojection of the current depth
// into the previous camera, relative tolerance TAA_DEPTH_TOL), or sky then and now. Outputs (variant
// TONEMAP adds the tone-mapped colour): the resolved colour, this frame's depth and instance (next frame's history
// test) and the rejection mask (1 = rejected) for the rejected-pixel fraction.
#if defined VERTEX_SHADER
#include "fullscreen.glsl"
#elif defined FRAGMENT_SHADER
#extension GL_ARB_texture_gather : require
layout(location = 0) out vec4 o_color;
layout(location = 1) out float o_depth;
layout(location = 2) out uint o_instance;
layout(location = 3) out float o_reject;
#ifdef TONEMAP
// the tone map fused in (no post step between TAA and it): ACES + sRGB, luma in alpha
layout(location = 4) out vec4 o_ldr;
#include "color.glsl"
#endif
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

#ifdef CATMULL_ROM
// Catmull-Rom (B = 0, C = 1/2) interpolation of the 4 x 4 texels around uv as 5 bilinear lookups:
// the two middle taps of each axis merged into one (their weights both positive), the four corner
// lookups (weights w0 w0, w0 w3, w3 w0, w3 w3: small, products of the two negative lobes) left out
// and the rest renormalised (Jimenez, "Filmic SMAA", SIGGRAPH 2016; UE4's TAA)
vec3 history_catmull_rom(vec2 uv, vec2 size) {
    vec2 pos = uv * size;
    vec2 t1 = floor(pos - 0.5) + 0.5;
    vec2 f = pos - t1;
    vec2 w0 = f * (-0.5 + f * (1.0 - 0.5 * f));
    vec2 w1 = 1.0 + f * f * (-2.5 + 1.5 * f);
    vec2 w2 = f * (0.5 + f * (2.0 - 1.5 * f));
    vec2 w3 = f * f * (-0.5 + 0.5 * f);
    vec2 w12 = w1 + w2;
    vec2 t0 = (t1 - 1.0) / size, t3 = (t1 + 2.0) / size, t12 = (t1 + w2 / w12) / size;
    float wn = w12.x * w0.y, ww = w0.x * w12.y, wc = w12.x * w12.y, we = w3.x * w12.y, ws = w12.x * w3.y;
    vec3 c = texture(u_history, vec2(t12.x, t0.y)).rgb * wn + texture(u_history, vec2(t0.x, t12.y)).rgb * ww
           + texture(u_history, t12).rgb * wc + texture(u_history, vec2(t3.x, t12.y)).rgb * we
           + texture(u_history, vec2(t12.x, t3.y)).rgb * ws;
    return c / (wn + ww + wc + we + ws);
}
#endif

#ifdef VARIANCE_CLIP
// q moved along the line to the box centre until it lies in the box [lo, hi] (Playdead's clip)
vec3 clip_to_box(vec3 q, vec3 lo, vec3 hi) {
    vec3 centre = 0.5 * (hi + lo);
    vec3 extent = 0.5 * (hi - lo) + 1e-7;
    vec3 v = q - centre;
    vec3 a = abs(v / extent);
    float m = max(a.x, max(a.y, a.z));
    return m > 1.0 ? centre + v / m : q;
}
#endif

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
#ifdef VARIANCE_CLIP
    vec3 m1 = vec3(0.0), m2 = vec3(0.0);
#endif
    for (int j = -1; j <= 1; ++j)
        for (int i = -1; i <= 1; ++i) {
            vec3 c = to_ycocg(texelFetch(u_current, clamp(p + ivec2(i, j), ivec2(0), last), 0).rgb);
            lo = min(lo, c);
            hi = max(hi, c);
#ifdef VARIANCE_CLIP
            m1 += c;
            m2 += c * c;
#endif
        }
#ifdef VARIANCE_CLIP
    m1 /= 9.0;
    vec3 sigma = sqrt(max(m2 / 9.0 - m1 * m1, vec3(0.0)));
    vec3 vlo = max(lo, m1 - TAA_VARIANCE_GAMMA * sigma), vhi = min(hi, m1 + TAA_VARIANCE_GAMMA * sigma);
#endif
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
        // fast path: the reprojected pixel itself shows this surface (same instance, depth within
        // the tolerance of the expected one, or sky then and now). Whenever it holds, the full
        // test below holds too (its ranges contain this pixel's depth and the expected one), so
        // skipping it changes no result (it saves the search where branches are coherent, on
        // GPUs; llvmpipe runs both sides of a branch).
        uint q_inst = texelFetch(u_prev_instance, clamp(q, ivec2(0), last), 0).r;
        float q_z = texelFetch(u_prev_depth, clamp(q, ivec2(0), last), 0).r;
        bool quick = q_inst == inst && (isinf(z) ? isinf(q_z) : (!isinf(q_z) && abs(q_z - z_expected) <= TAA_DEPTH_TOL * q_z));
        bool found = quick;
        if (!quick) {
            // the 3 x 3 as four overlapping 2 x 2 gathers (edge-clamped like the clamped fetches;
            // texels seen twice do not change a min, a max or an or): 8 lookups instead of 18
            float zmin = 1e30, zmax = -1.0;
            for (int j = -1; j <= 0; ++j)
                for (int i = -1; i <= 0; ++i) {
                    vec2 uv = vec2(q + ivec2(i, j) + 1) / size;
                    uvec4 ids = textureGather(u_prev_instance, uv);
                    vec4 zs = textureGather(u_prev_depth, uv);
                    for (int c = 0; c < 4; ++c) {
                        if (ids[c] != inst) continue;
                        if (isinf(zs[c])) {
                            found = found || isinf(z);
                        } else {
                            zmin = min(zmin, zs[c]);
                            zmax = max(zmax, zs[c]);
                        }
                    }
                }
            if (!isinf(z)) {
                // this surface's depth range over the current 3 x 3 (same instance), carried to the
                // previous frame, must overlap the previous one's: a grazing surface's depth changes by
                // more than the tolerance over a pixel of jitter
                float cmin = z, cmax = z;
                for (int j = -1; j <= 0; ++j)
                    for (int i = -1; i <= 0; ++i) {
                        vec2 uv = vec2(p + ivec2(i, j) + 1) / size;
                        uvec4 ids = textureGather(u_instance, uv);
                        vec4 zs = textureGather(u_depth, uv);
                        for (int c = 0; c < 4; ++c)
                            if (ids[c] == inst && !isinf(zs[c])) {
                                cmin = min(cmin, zs[c]);
                                cmax = max(cmax, zs[c]);
                            }
                    }
                float k = z_expected / z;
                found = zmax > 0.0 && k * cmax >= zmin * (1.0 - TAA_DEPTH_TOL) && k * cmin <= zmax * (1.0 + TAA_DEPTH_TOL);
            }
        }
        reject = !found;
    }
    vec3 result = cur;
    if (!reject) {
#ifdef CATMULL_ROM
        vec3 hist = to_ycocg(history_catmull_rom(prev_px / size, size));
#else
        vec3 hist = to_ycocg(texture(u_history, prev_px / size).rgb);
#endif
#ifdef VARIANCE_CLIP
        hist = clip_to_box(hist, vlo, vhi);
#else
        hist = clamp(hist, lo, hi);
#endif
        result = mix(from_ycocg(hist), cur, u_alpha);
    }
    o_color = vec4(max(result, vec3(0.0)), 1.0);
#ifdef TONEMAP
    o_ldr = tonemap_ldr(o_color.rgb);
#endif
    o_reject = reject ? 1.0 : 0.0;
}
#endif
