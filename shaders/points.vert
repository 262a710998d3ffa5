#version 300 es
// points.vert - a chart's point cloud (the RFM scatter's customers): each
// vertex is a point's data values, uploaded once; the plot's pixel mapping
// comes in uniforms, so a frame costs one draw call however many points
// there are, and nothing is rebuilt or re-sent when the window moves.
precision highp float;
uniform mat4 u_projection;
uniform vec4 u_map;      // pixel = offset + scale * value: x offset, x scale, y offset, y scale
uniform float u_size;    // point size in framebuffer pixels
in vec2 a_value;
void main() {
    vec2 p = vec2(u_map.x + u_map.y * a_value.x, u_map.z + u_map.w * a_value.y);
    gl_Position = u_projection * vec4(p, 0.0, 1.0);
    gl_PointSize = u_size;
}
