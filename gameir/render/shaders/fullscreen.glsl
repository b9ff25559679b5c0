// Full-screen triangle vertex stage (included by every screen-space program). z = w = 1: far plane.
void main() {
    vec2 p = vec2(float((gl_VertexID & 1) << 2) - 1.0, float((gl_VertexID & 2) << 1) - 1.0);
    gl_Position = vec4(p, 1.0, 1.0);
}
