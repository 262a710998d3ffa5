// gl_renderer.cpp - a small WebGL2 backend for Dear ImGui: one program, one
// vertex array, the font atlas as the only texture. Replaces the stock
// imgui_impl_opengl3 so that the shaders in use are the ones in shaders/.
#include "platform/web/gl_renderer.h"

#include <GLES3/gl3.h>
#include <imgui.h>

#include <cstddef>
#include <string>

#include "shaders.h"

namespace crm::web {

namespace {

GLuint g_program = 0, g_vao = 0, g_vbo = 0, g_ebo = 0, g_font_texture = 0;
GLint g_u_projection = -1, g_u_texture = -1;
std::string g_error;

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

}  // namespace

const char* renderer_error() { return g_error.c_str(); }

bool renderer_init() {
    GLuint vs = compile(GL_VERTEX_SHADER, kShader_ui_vert, "ui.vert");
    GLuint fs = compile(GL_FRAGMENT_SHADER, kShader_ui_frag, "ui.frag");
    if (!vs || !fs) return false;
    g_program = glCreateProgram();
    glAttachShader(g_program, vs);
    glAttachShader(g_program, fs);
    glBindAttribLocation(g_program, 0, "a_position");
    glBindAttribLocation(g_program, 1, "a_uv");
    glBindAttribLocation(g_program, 2, "a_color");
    glLinkProgram(g_program);
    glDeleteShader(vs);
    glDeleteShader(fs);
    GLint ok = 0;
    glGetProgramiv(g_program, GL_LINK_STATUS, &ok);
    if (!ok) {
        char log[1024] = {};
        glGetProgramInfoLog(g_program, sizeof log, nullptr, log);
        g_error = std::string("shader program: ") + log;
        return false;
    }
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
    io.Fonts->GetTexDataAsRGBA32(&pixels, &w, &h);
    if (!g_font_texture) glGenTextures(1, &g_font_texture);
    glBindTexture(GL_TEXTURE_2D, g_font_texture);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
    glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA, w, h, 0, GL_RGBA, GL_UNSIGNED_BYTE, pixels);
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
    glUseProgram(g_program);
    glUniformMatrix4fv(g_u_projection, 1, GL_FALSE, proj);
    glUniform1i(g_u_texture, 0);
    glActiveTexture(GL_TEXTURE0);
    glBindVertexArray(g_vao);
    glBindBuffer(GL_ARRAY_BUFFER, g_vbo);
    glBindBuffer(GL_ELEMENT_ARRAY_BUFFER, g_ebo);

    ImVec2 clip_off = dd->DisplayPos, clip_scale = dd->FramebufferScale;
    for (int n = 0; n < dd->CmdListsCount; n++) {
        const ImDrawList* list = dd->CmdLists[n];
        glBufferData(GL_ARRAY_BUFFER, (GLsizeiptr)list->VtxBuffer.Size * (GLsizeiptr)sizeof(ImDrawVert), list->VtxBuffer.Data, GL_STREAM_DRAW);
        glBufferData(GL_ELEMENT_ARRAY_BUFFER, (GLsizeiptr)list->IdxBuffer.Size * (GLsizeiptr)sizeof(ImDrawIdx), list->IdxBuffer.Data, GL_STREAM_DRAW);
        for (const ImDrawCmd& cmd : list->CmdBuffer) {
            if (cmd.UserCallback) {
                if (cmd.UserCallback != ImDrawCallback_ResetRenderState) cmd.UserCallback(list, &cmd);
                continue;
            }
            float x1 = (cmd.ClipRect.x - clip_off.x) * clip_scale.x, y1 = (cmd.ClipRect.y - clip_off.y) * clip_scale.y;
            float x2 = (cmd.ClipRect.z - clip_off.x) * clip_scale.x, y2 = (cmd.ClipRect.w - clip_off.y) * clip_scale.y;
            if (x2 <= x1 || y2 <= y1) continue;
            glScissor((int)x1, (int)((float)fb_h - y2), (int)(x2 - x1), (int)(y2 - y1));
            glBindTexture(GL_TEXTURE_2D, (GLuint)(intptr_t)cmd.GetTexID());
            if (cmd.VtxOffset) set_vertex_layout(cmd.VtxOffset * sizeof(ImDrawVert));
            glDrawElements(GL_TRIANGLES, (GLsizei)cmd.ElemCount, sizeof(ImDrawIdx) == 2 ? GL_UNSIGNED_SHORT : GL_UNSIGNED_INT,
                           (void*)(intptr_t)(cmd.IdxOffset * sizeof(ImDrawIdx)));
            if (cmd.VtxOffset) set_vertex_layout(0);
        }
    }
    glBindVertexArray(0);
    glDisable(GL_SCISSOR_TEST);
}

}  // namespace crm::web
