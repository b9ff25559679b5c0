// Screen-space ambient occlusion (optional, Renderer(ssao_radius=...)): for each pixel, samples
// of a normal-oriented hemisphere of radius u_ssao_radius metres around the surface point are
// projected into the depth buffer; a sample is occluded where the surface seen there is in front
// of it (by more than a small bias) and rises above the point's tangent plane, weighted down when
// that surface is farther than the radius (range check). It runs at 1/SSAO_DOWNSCALE of the render
// size in each axis (as engines do: UE4, HBAO+), and the lighting pass upsamples it bilinearly. The kernel is rotated per pixel by a 4 x 4 interleaved pattern that the blur pass
// (variant BLUR, a 4 x 4 box over the raw term) removes. Output: visibility in [0, 1] (1 = open).
#if defined VERTEX_SHADER
#include "fullscreen.glsl"
#elif defined FRAGMENT_SHADER
layout(location = 0) out float o_ao;
#ifndef BLUR
uniform sampler2D u_depth;     // R32F, metres along the optical axis, +inf for sky
uniform sampler2D u_normal;    // RGBA16F, world unit normal
uniform mat4 u_inv_proj;       // inverse of the (jittered, y-flipped) projection
uniform mat4 u_proj;           // the projection: camera space -> clip
uniform mat3 u_cam_rot;        // camera -> world rotation
uniform vec2 u_size;
uniform float u_ssao_radius;   // metres
uniform vec3 u_ssao_kernel[SSAO_SAMPLES];  // hemisphere (z up), lengths in (0, 1]

vec3 view_position(vec2 frag, float depth) {
    vec2 ndc = frag / u_size * 2.0 - 1.0;
    vec4 view = u_inv_proj * vec4(ndc, 1.0, 1.0);
    vec3 ray = view.xyz / view.w;
    return ray / -ray.z * depth;  // camera space (OpenGL axes), depth along -z
}

void main() {
    // one AO texel per SSAO_DOWNSCALE^2 block of render pixels: the block's first pixel centre
    vec2 frag = floor(gl_FragCoord.xy) * float(SSAO_DOWNSCALE) + 0.5;
    vec2 uv = frag / u_size;
    float depth = texture(u_depth, uv).r;
    if (isinf(depth)) {
        o_ao = 1.0;
        return;
    }
    vec3 P = view_position(frag, depth);
    vec3 N = normalize(transpose(u_cam_rot) * texture(u_normal, uv).xyz);
    ivec2 cell = ivec2(gl_FragCoord.xy) & 3;
    float angle = 6.28318530718 * (float(cell.x + 4 * cell.y) + 0.5) / 16.0;
    vec3 rnd = vec3(cos(angle), sin(angle), 0.0);
    vec3 T = rnd - N * dot(rnd, N);
    T = dot(T, T) > 1e-6 ? normalize(T) : normalize(cross(N, abs(N.x) < 0.9 ? vec3(1, 0, 0) : vec3(0, 1, 0)));
    mat3 tbn = mat3(T, cross(N, T), N);
    float bias = 0.02 * u_ssao_radius;
    float occlusion = 0.0;
    for (int i = 0; i < SSAO_SAMPLES; ++i) {
        vec3 S = P + tbn * u_ssao_kernel[i] * u_ssao_radius;
        vec4 clip = u_proj * vec4(S, 1.0);
        if (clip.w <= 1e-6) continue;
        vec2 suv = clip.xy / clip.w * 0.5 + 0.5;
        if (any(lessThan(suv, vec2(0.0))) || any(greaterThan(suv, vec2(1.0)))) continue;
        vec2 texel = floor(suv * u_size) + 0.5;  // the texel the depth belongs to
        float scene = texture(u_depth, texel / u_size).r;  // +inf (sky) never occludes
        if (isinf(scene) || scene >= -S.z - bias) continue;  // the sample is not hidden
        // The surface hiding the sample occludes only if it rises above P's tangent plane: a flat
        // floor seen at a grazing angle hides samples from its own neighbouring pixels, not itself.
        vec3 v = view_position(texel, scene) - P;
        float len = length(v);
        if (dot(v, N) <= 0.1 * len) continue;
        occlusion += smoothstep(0.0, 1.0, u_ssao_radius / max(len, 1e-6));  // fades beyond the radius
    }
    o_ao = 1.0 - occlusion / float(SSAO_SAMPLES);
}
#else
uniform sampler2D u_ao_raw;
void main() {
    ivec2 p = ivec2(gl_FragCoord.xy) - 2;
    ivec2 last = textureSize(u_ao_raw, 0) - 1;
    float sum = 0.0;
    for (int j = 0; j < 4; ++j) {
        for (int i = 0; i < 4; ++i) {
            sum += texelFetch(u_ao_raw, clamp(p + ivec2(i, j), ivec2(0), last), 0).r;
        }
    }
    o_ao = sum / 16.0;
}
#endif
#endif
