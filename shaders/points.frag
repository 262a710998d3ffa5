#version 300 es
// points.frag - square points in one colour (shape, not colour alone, tells
// the scatter's points from the other marks).
precision mediump float;
uniform vec4 u_color;
out vec4 o_color;
void main() {
    o_color = u_color;
}
