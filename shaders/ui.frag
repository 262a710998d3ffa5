#version 300 es
// ui.frag - vertex colour times the texture's coverage (the font atlas, an
// alpha-only texture, or its opaque pixel for shapes). Colours arrive in
// sRGB and are written as is.
precision mediump float;
uniform sampler2D u_texture;
in vec2 v_uv;
in vec4 v_color;
out vec4 o_color;
void main() {
    o_color = v_color * vec4(1.0, 1.0, 1.0, texture(u_texture, v_uv).r);
}
