// sRGB transfer functions (IEC 61966-2-1).
vec3 srgb_encode(vec3 c) {
    c = clamp(c, 0.0, 1.0);
    return mix(c * 12.92, 1.055 * pow(c, vec3(1.0 / 2.4)) - 0.055, step(vec3(0.0031308), c));
}

vec3 srgb_decode(vec3 c) {
    return mix(c / 12.92, pow((c + 0.055) / 1.055, vec3(2.4)), step(vec3(0.04045), c));
}

// Exposed linear radiance -> ACES filmic (Narkowicz 2015 fit), display-linear in [0, 1]; NaN/inf -> 0.
vec3 aces_narkowicz(vec3 x) {
    x = (any(isnan(x)) || any(isinf(x))) ? vec3(0.0) : max(x, vec3(0.0));
    return clamp((x * (2.51 * x + 0.03)) / (x * (2.43 * x + 0.59) + 0.14), 0.0, 1.0);
}

// sRGB-encoded colour -> RGBA with alpha = luma for FXAA.
vec4 with_luma(vec3 s) {
    return vec4(s, dot(s, vec3(0.299, 0.587, 0.114)));
}

// Exposed linear radiance -> ACES -> sRGB-encoded; alpha = luma for FXAA.
vec4 tonemap_ldr(vec3 x) {
    return with_luma(srgb_encode(aces_narkowicz(x)));
}
