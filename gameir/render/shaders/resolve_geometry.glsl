// SSAA resolve, geometry half (rules of gameir/render/downsample.py, the numpy reference):
// semantic and instance from the block's centre sample (s/2, s/2); depth, normal and motion follow
// the centre sample's coverage: the mean over the block's samples with the same coverage (geometry
// or sky) as the centre one; depth +inf and normal 0 where the centre sample is sky; normals
// renormalised; motion divided by s (output pixels).
#if defined VERTEX_SHADER
#include "fullscreen.glsl"
#elif defined FRAGMENT_SHADER
uniform sampler2D u_depth;       // R32F, +inf for sky
uniform sampler2D u_normal;      // RGBA16F
uniform sampler2D u_motion;      // RG16F
uniform usampler2D u_semantic;   // R8UI
uniform usampler2D u_instance;   // R16UI
uniform int u_ssaa;
#include "resolve_geometry_outputs.glsl"

void main() {
    ivec2 base = ivec2(gl_FragCoord.xy) * u_ssaa;
    ivec2 centre = base + ivec2(u_ssaa / 2);
    bool centre_geo = !isinf(texelFetch(u_depth, centre, 0).r);
    float depth = 0.0, count = 0.0;
    vec3 normal = vec3(0.0);
    vec2 motion = vec2(0.0);
    for (int j = 0; j < u_ssaa; ++j) {
        for (int i = 0; i < u_ssaa; ++i) {
            ivec2 p = base + ivec2(i, j);
            float d = texelFetch(u_depth, p, 0).r;
            if (!isinf(d) == centre_geo) {
                count += 1.0;
                depth += centre_geo ? d : 0.0;
                normal += texelFetch(u_normal, p, 0).xyz;
                motion += texelFetch(u_motion, p, 0).xy;
            }
        }
    }
    normal /= count;
    float len = length(normal);
    o_depth = centre_geo ? depth / count : uintBitsToFloat(0x7F800000u);
    o_normal = vec4(centre_geo && len > 1e-6 ? normal / max(len, 1e-6) : vec3(0.0), 0.0);
    o_motion = motion / count / float(u_ssaa);
    o_semantic = texelFetch(u_semantic, centre, 0).r;
    o_instance = texelFetch(u_instance, centre, 0).r;
}
#endif
