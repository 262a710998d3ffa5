// gl_renderer.cpp - a small WebGL2 backend for Dear ImGui: one program, one
// vertex array, the font atlas as the only texture. Replaces the stock
// imgui_impl_opengl3 so that the shaders in use are the ones in shaders/.
// Charts' point clouds are drawn by a second program from buffers kept on
// the GPU (renderer_points), through a draw-list callback.
#include "platform/web/gl_renderer.h"

#include <GLES3/gl3.h>
#include <imgui.h>

#include <algorithm>
#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "shaders.h"

namespace crm::web {

namespace {

GLuint g_program = 0, g_vao = 0, g_vbo = 0, g_ebo = 0, g_font_texture = 0;
GLint g_u_projection = -1, g_u_texture = -1;
std::string g_error;
float g_projection[16];
int g_fb_h = 0;
ImVec2 g_clip_off, g_clip_scale;

// Point clouds: a buffer per chart (by key), sent again only when its data change.
GLuint g_points_program = 0;
GLint g_pu_projection = -1, g_pu_map = -1, g_pu_size = -1, g_pu_color = -1;
struct Cloud { GLuint vao = 0, vbo = 0; uint64_t version = 0; GLsizei count = 0; };
std::map<int, Cloud> g_clouds;
struct PointsCall { int key; float map[4], size, color[4]; };
std::vector<PointsCall> g_points_calls;   // this frame's; a draw-list callback holds its index

GLuint compile(GLenum type, const char* src, const char* name) {
    GLuint s = glCreateShader(type);
    glShaderSource(s, 1, &src, nullptr);
    glCompileShader(s);
    GLint ok = 0;
    glGetShaderiv(s, GL_COMPILE_STATUS, &ok);
    if (!ok) {
        char log[1024] = {};
        glGetShaderInfoLog(s, sizeof log, nullptr, log);
        g_error = std::string("shader ") + name + ": " + log;
        glDeleteShader(s);
        return 0;
    }
    return s;
}

// ImDrawVert's layout for attributes 0-2, starting `base` bytes into the
// vertex buffer. WebGL2 has no base-vertex draw: a command with a vertex
// offset moves the attribute pointers instead.
void set_vertex_layout(size_t base) {
    glVertexAttribPointer(0, 2, GL_FLOAT, GL_FALSE, sizeof(ImDrawVert), (void*)(base + offsetof(ImDrawVert, pos)));
    glVertexAttribPointer(1, 2, GL_FLOAT, GL_FALSE, sizeof(ImDrawVert), (void*)(base + offsetof(ImDrawVert, uv)));
    glVertexAttribPointer(2, 4, GL_UNSIGNED_BYTE, GL_TRUE, sizeof(ImDrawVert), (void*)(base + offsetof(ImDrawVert, col)));
}

GLuint link(const char* vs_src, const char* vs_name, const char* fs_src, const char* fs_name, std::initializer_list<const char*> attributes) {
    GLuint vs = compile(GL_VERTEX_SHADER, vs_src, vs_name);
    GLuint fs = compile(GL_FRAGMENT_SHADER, fs_src, fs_name);
    if (!vs || !fs) return 0;
    GLuint prog = glCreateProgram();
    glAttachShader(prog, vs);
    glAttachShader(prog, fs);
    GLuint at = 0;
    for (const char* a : attributes) glBindAttribLocation(prog, at++, a);
    glLinkProgram(prog);
    glDeleteShader(vs);
    glDeleteShader(fs);
    GLint ok = 0;
    glGetProgramiv(prog, GL_LINK_STATUS, &ok);
    if (!ok) {
        char log[1024] = {};
        glGetProgramInfoLog(prog, sizeof log, nullptr, log);
        g_error = std::string("shader program ") + vs_name + ": " + log;
        return 0;
    }
    return prog;
}

void set_scissor(const ImVec4& clip) {
    float x1 = (clip.x - g_clip_off.x) * g_clip_scale.x, y1 = (clip.y - g_clip_off.y) * g_clip_scale.y;
    float x2 = (clip.z - g_clip_off.x) * g_clip_scale.x, y2 = (clip.w - g_clip_off.y) * g_clip_scale.y;
    glScissor((int)x1, (int)((float)g_fb_h - y2), (int)std::max(0.0f, x2 - x1), (int)std::max(0.0f, y2 - y1));
}

// The UI program's state, set at the start and again after a callback drew with another.
void bind_ui_state() {
    glUseProgram(g_program);
    glUniformMatrix4fv(g_u_projection, 1, GL_FALSE, g_projection);
    glUniform1i(g_u_texture, 0);
    glActiveTexture(GL_TEXTURE0);
    glBindVertexArray(g_vao);
    glBindBuffer(GL_ARRAY_BUFFER, g_vbo);
    glBindBuffer(GL_ELEMENT_ARRAY_BUFFER, g_ebo);
}

void draw_points_callback(const ImDrawList*, const ImDrawCmd* cmd) {
    const PointsCall& c = g_points_calls[(size_t)(intptr_t)cmd->UserCallbackData];
    auto it = g_clouds.find(c.key);
    if (it == g_clouds.end() || !it->second.count) return;
    set_scissor(cmd->ClipRect);
    glUseProgram(g_points_program);
    glUniformMatrix4fv(g_pu_projection, 1, GL_FALSE, g_projection);
    glUniform4fv(g_pu_map, 1, c.map);
    glUniform1f(g_pu_size, c.size);
    glUniform4fv(g_pu_color, 1, c.color);
    glBindVertexArray(it->second.vao);
    glDrawArrays(GL_POINTS, 0, it->second.count);
}

}  // namespace

const char* renderer_error() { return g_error.c_str(); }

bool renderer_init() {
    g_program = link(kShader_ui_vert, "ui.vert", kShader_ui_frag, "ui.frag", {"a_position", "a_uv", "a_color"});
    g_points_program = link(kShader_points_vert, "points.vert", kShader_points_frag, "points.frag", {"a_value"});
    if (!g_program || !g_points_program) return false;
    g_pu_projection = glGetUniformLocation(g_points_program, "u_projection");
    g_pu_map = glGetUniformLocation(g_points_program, "u_map");
    g_pu_size = glGetUniformLocation(g_points_program, "u_size");
    g_pu_color = glGetUniformLocation(g_points_program, "u_color");
    g_u_projection = glGetUniformLocation(g_program, "u_projection");
    g_u_texture = glGetUniformLocation(g_program, "u_texture");

    glGenVertexArrays(1, &g_vao);
    glGenBuffers(1, &g_vbo);
    glGenBuffers(1, &g_ebo);
    glBindVertexArray(g_vao);
    glBindBuffer(GL_ARRAY_BUFFER, g_vbo);
    glBindBuffer(GL_ELEMENT_ARRAY_BUFFER, g_ebo);
    glEnableVertexAttribArray(0);
    glEnableVertexAttribArray(1);
    glEnableVertexAttribArray(2);
    set_vertex_layout(0);
    glBindVertexArray(0);
    ImGui::GetIO().BackendRendererName = "crm_webgl2";
    ImGui::GetIO().BackendFlags |= ImGuiBackendFlags_RendererHasVtxOffset;
    return true;
}

void renderer_upload_fonts() {
    ImGuiIO& io = ImGui::GetIO();
    unsigned char* pixels;
    int w, h;
    io.Fonts->GetTexDataAsAlpha8(&pixels, &w, &h);   // coverage only: a quarter of RGBA's bytes, no conversion
    if (!g_font_texture) glGenTextures(1, &g_font_texture);
    glBindTexture(GL_TEXTURE_2D, g_font_texture);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
    glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_R8, w, h, 0, GL_RED, GL_UNSIGNED_BYTE, pixels);
    io.Fonts->SetTexID((ImTextureID)(intptr_t)g_font_texture);
    io.Fonts->ClearTexData();   // the GPU has it; keep the atlas' glyph data only
}

void renderer_render(ImDrawData* dd, int fb_w, int fb_h, const float clear[4]) {
    glViewport(0, 0, fb_w, fb_h);
    glClearColor(clear[0], clear[1], clear[2], clear[3]);
    glClear(GL_COLOR_BUFFER_BIT);
    if (!dd || fb_w <= 0 || fb_h <= 0) return;

    glEnable(GL_BLEND);
    glBlendEquation(GL_FUNC_ADD);
    glBlendFuncSeparate(GL_SRC_ALPHA, GL_ONE_MINUS_SRC_ALPHA, GL_ONE, GL_ONE_MINUS_SRC_ALPHA);
    glDisable(GL_CULL_FACE);
    glDisable(GL_DEPTH_TEST);
    glEnable(GL_SCISSOR_TEST);

    // Draw data is in the same pixels as the framebuffer (DisplaySize = framebuffer size).
    float L = dd->DisplayPos.x, R = dd->DisplayPos.x + dd->DisplaySize.x;
    float T = dd->DisplayPos.y, B = dd->DisplayPos.y + dd->DisplaySize.y;
    const float proj[16] = {
        2.0f / (R - L), 0, 0, 0,
        0, 2.0f / (T - B), 0, 0,
        0, 0, -1, 0,
        (R + L) / (L - R), (T + B) / (B - T), 0, 1,
    };
    std::copy(proj, proj + 16, g_projection);
    g_fb_h = fb_h;
    bind_ui_state();

    g_clip_off = dd->DisplayPos;
    g_clip_scale = dd->FramebufferScale;
    for (int n = 0; n < dd->CmdListsCount; n++) {
        const ImDrawList* list = dd->CmdLists[n];
        glBufferData(GL_ARRAY_BUFFER, (GLsizeiptr)list->VtxBuffer.Size * (GLsizeiptr)sizeof(ImDrawVert), list->VtxBuffer.Data, GL_STREAM_DRAW);
        glBufferData(GL_ELEMENT_ARRAY_BUFFER, (GLsizeiptr)list->IdxBuffer.Size * (GLsizeiptr)sizeof(ImDrawIdx), list->IdxBuffer.Data, GL_STREAM_DRAW);
        for (const ImDrawCmd& cmd : list->CmdBuffer) {
            if (cmd.UserCallback) {
                if (cmd.UserCallback != ImDrawCallback_ResetRenderState) cmd.UserCallback(list, &cmd);
                bind_ui_state();
                continue;
            }
            if (cmd.ClipRect.z <= cmd.ClipRect.x || cmd.ClipRect.w <= cmd.ClipRect.y) continue;
            set_scissor(cmd.ClipRect);
            glBindTexture(GL_TEXTURE_2D, (GLuint)(intptr_t)cmd.GetTexID());
            if (cmd.VtxOffset) set_vertex_layout(cmd.VtxOffset * sizeof(ImDrawVert));
            glDrawElements(GL_TRIANGLES, (GLsizei)cmd.ElemCount, sizeof(ImDrawIdx) == 2 ? GL_UNSIGNED_SHORT : GL_UNSIGNED_INT,
                           (void*)(intptr_t)(cmd.IdxOffset * sizeof(ImDrawIdx)));
            if (cmd.VtxOffset) set_vertex_layout(0);
        }
    }
    glBindVertexArray(0);
    glDisable(GL_SCISSOR_TEST);
    g_points_calls.clear();
}

bool renderer_points(ImDrawList* list, int key, uint64_t version, const float* xy, size_t count, const float map[4], float size, uint32_t color) {
    if (!g_points_program) return false;
    Cloud& c = g_clouds[key];
    if (!c.vao) {
        glGenVertexArrays(1, &c.vao);
        glGenBuffers(1, &c.vbo);
        glBindVertexArray(c.vao);
        glBindBuffer(GL_ARRAY_BUFFER, c.vbo);
        glEnableVertexAttribArray(0);
        glVertexAttribPointer(0, 2, GL_FLOAT, GL_FALSE, 2 * sizeof(float), nullptr);
        glBindVertexArray(0);
        c.version = version + 1;
    }
    if (c.version != version) {
        glBindBuffer(GL_ARRAY_BUFFER, c.vbo);
        glBufferData(GL_ARRAY_BUFFER, (GLsizeiptr)(count * 2 * sizeof(float)), xy, GL_STATIC_DRAW);
        c.count = (GLsizei)count;
        c.version = version;
    }
    PointsCall call{key, {map[0], map[1], map[2], map[3]}, size, {}};
    ImVec4 col = ImGui::ColorConvertU32ToFloat4(color);
    call.color[0] = col.x, call.color[1] = col.y, call.color[2] = col.z, call.color[3] = col.w;
    list->AddCallback(draw_points_callback, (void*)(intptr_t)g_points_calls.size());
    g_points_calls.push_back(call);
    list->AddCallback(ImDrawCallback_ResetRenderState, nullptr);
    return true;
}

}  // namespace crm::web
