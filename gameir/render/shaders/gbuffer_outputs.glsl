// G-buffer MRT outputs (locations generated from gameir/render/constants.py).
layout(location = LOC_SCENE_COLOR) out vec4 o_scene_color;  // emissive / sky radiance, exposed
layout(location = LOC_BASECOLOR) out vec4 o_basecolor;      // sRGB-encoded albedo
layout(location = LOC_NORMAL) out vec4 o_normal;            // world unit normal, 0 for sky
layout(location = LOC_MATERIAL) out vec4 o_material;        // metallic, specular, roughness
layout(location = LOC_DEPTH) out float o_depth;             // metres along the optical axis, +inf sky
layout(location = LOC_MOTION) out vec2 o_motion;            // backward motion, pixels, y down
layout(location = LOC_SEMANTIC) out uint o_semantic;
layout(location = LOC_INSTANCE) out uint o_instance;
