// charts.cpp - see charts.h.
#include "app/charts.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

#include "app/app_state.h"
#include "app/platform.h"
#include "app/test_hooks.h"

namespace crm::app::chart {

namespace {

// Okabe-Ito: distinguishable with every common colour-vision deficiency.
const ImU32 kPalette[] = {IM_COL32(0, 114, 178, 255), IM_COL32(230, 159, 0, 255), IM_COL32(0, 158, 115, 255), IM_COL32(204, 121, 167, 255),
                          IM_COL32(86, 180, 233, 255), IM_COL32(213, 94, 0, 255), IM_COL32(240, 228, 66, 255), IM_COL32(90, 90, 90, 255)};

constexpr float kPi = 3.14159265358979f;

float px(float v) { return std::floor(v) + 0.5f; }   // a 1-pixel line on a pixel centre: crisp

ImU32 text_color() { return ImGui::GetColorU32(ImGuiCol_Text); }
ImU32 muted_color() { return ImGui::GetColorU32(ImGuiCol_TextDisabled); }
ImU32 grid_color() { return ImGui::GetColorU32(ImGuiCol_Separator, 0.45f); }

// Tick step of 1, 2 or 5 x 10^k giving about `want` intervals over [0, range].
double nice_step(double range, int want) {
    if (range <= 0) return 1;
    double raw = range / want, mag = std::pow(10.0, std::floor(std::log10(raw)));
    double r = raw / mag;
    return (r <= 1 ? 1 : r <= 2 ? 2 : r <= 5 ? 5 : 10) * mag;
}

struct Axis {
    double lo = 0, hi = 1, step = 1;
};

Axis value_axis(double lo, double hi, int want = 4) {
    Axis a;
    lo = std::min(0.0, lo);
    if (!(hi > lo)) hi = lo + 1;
    a.step = nice_step(hi - lo, want);
    a.lo = std::floor(lo / a.step) * a.step;
    a.hi = std::ceil(hi / a.step) * a.step;
    return a;
}

// Hatching for series > 0, so bars differ without colour.
void hatch(ImDrawList* dl, ImVec2 a, ImVec2 b, int series) {
    int kind = series % 4;
    if (kind == 0) return;
    float s = g.scale, step = 5 * s;
    ImU32 c = IM_COL32(255, 255, 255, 150);
    dl->PushClipRect(a, b, true);
    if (kind == 1) {
        for (float x = a.x - (b.y - a.y); x < b.x; x += step) dl->AddLine(ImVec2(x, b.y), ImVec2(x + (b.y - a.y), a.y), c, s);
    } else if (kind == 2) {
        for (float y = a.y + step / 2; y < b.y; y += step) dl->AddLine(ImVec2(a.x, y), ImVec2(b.x, y), c, s);
    } else {
        for (float y = a.y + step / 2; y < b.y; y += step)
            for (float x = a.x + step / 2; x < b.x; x += step) dl->AddCircleFilled(ImVec2(x, y), 1.2f * s, c);
    }
    dl->PopClipRect();
}

void marker(ImDrawList* dl, ImVec2 p, int series, ImU32 c, float r) {
    switch (series % 4) {
    case 0: dl->AddCircleFilled(p, r, c); break;
    case 1: dl->AddRectFilled(ImVec2(p.x - r, p.y - r), ImVec2(p.x + r, p.y + r), c); break;
    case 2: dl->AddTriangleFilled(ImVec2(p.x, p.y - r * 1.2f), ImVec2(p.x + r * 1.1f, p.y + r * 0.8f), ImVec2(p.x - r * 1.1f, p.y + r * 0.8f), c); break;
    default: dl->AddQuadFilled(ImVec2(p.x, p.y - r * 1.3f), ImVec2(p.x + r * 1.3f, p.y), ImVec2(p.x, p.y + r * 1.3f), ImVec2(p.x - r * 1.3f, p.y), c); break;
    }
}

void legend(const std::vector<Series>& series, bool lines_style) {
    if (series.size() < 2) return;
    float s = g.scale;
    ImDrawList* dl = ImGui::GetWindowDrawList();
    for (size_t i = 0; i < series.size(); i++) {
        if (i) ImGui::SameLine(0, 14 * s);
        ImVec2 p = ImGui::GetCursorScreenPos();
        float h = ImGui::GetTextLineHeight();
        if (lines_style) {
            dl->AddLine(ImVec2(p.x, p.y + h / 2), ImVec2(p.x + 16 * s, p.y + h / 2), color((int)i), 2 * s);
            marker(dl, ImVec2(p.x + 8 * s, p.y + h / 2), (int)i, color((int)i), 3.5f * s);
        } else {
            ImVec2 a(p.x, p.y + 2 * s), b(p.x + 16 * s, p.y + h - 2 * s);
            dl->AddRectFilled(a, b, color((int)i));
            hatch(dl, a, b, (int)i);
        }
        ImGui::Dummy(ImVec2(20 * s, h));
        ImGui::SameLine();
        ImGui::TextUnformatted(series[i].name.c_str());
    }
}

// The plot area after the y labels, and its value axis drawn.
struct Frame {
    ImVec2 origin; // where the chart began
    ImVec2 a, b;   // plot rectangle
    Axis y;
    float y_of(double v) const { return b.y - (float)((v - y.lo) / (y.hi - y.lo)) * (b.y - a.y); }
};

Frame frame_for(const char* id, double lo, double hi, Format f, float height, float bottom_labels) {
    float s = g.scale;
    ImDrawList* dl = ImGui::GetWindowDrawList();
    Frame fr;
    fr.y = value_axis(lo, hi);
    float label_w = 0;
    for (double v = fr.y.lo; v <= fr.y.hi + fr.y.step / 2; v += fr.y.step)
        label_w = std::max(label_w, ImGui::CalcTextSize(format_value(v, f).c_str()).x);
    ImVec2 p = ImGui::GetCursorScreenPos();
    float w = ImGui::GetContentRegionAvail().x;
    fr.origin = p;
    fr.a = ImVec2(p.x + label_w + 6 * s, p.y + ImGui::GetTextLineHeight() / 2);
    fr.b = ImVec2(p.x + w - 4 * s, p.y + height - bottom_labels);
    for (double v = fr.y.lo; v <= fr.y.hi + fr.y.step / 2; v += fr.y.step) {
        float y = px(fr.y_of(v));
        dl->AddLine(ImVec2(fr.a.x, y), ImVec2(fr.b.x, y), grid_color(), 1.0f);
        std::string t = format_value(v, f);
        ImVec2 ts = ImGui::CalcTextSize(t.c_str());
        dl->AddText(ImVec2(fr.a.x - 4 * s - ts.x, y - ts.y / 2), muted_color(), t.c_str());
    }
    dl->AddLine(ImVec2(px(fr.a.x), fr.a.y), ImVec2(px(fr.a.x), fr.b.y), muted_color(), 1.0f);
    (void)id;
    return fr;
}

// Category labels under the plot, thinned so they never overlap.
void category_labels(const Frame& fr, const std::vector<std::string>& cats, float slot) {
    if (cats.empty()) return;
    ImDrawList* dl = ImGui::GetWindowDrawList();
    float widest = 0;
    for (auto& c : cats) widest = std::max(widest, ImGui::CalcTextSize(c.c_str()).x);
    int every = std::max(1, (int)std::ceil((widest + 8 * g.scale) / std::max(1.0f, slot)));
    for (size_t i = 0; i < cats.size(); i += (size_t)every) {
        ImVec2 ts = ImGui::CalcTextSize(cats[i].c_str());
        float cx = fr.a.x + slot * ((float)i + 0.5f);
        dl->AddText(ImVec2(cx - ts.x / 2, fr.b.y + 3 * g.scale), muted_color(), cats[i].c_str());
    }
}

// The cursor below the chart and its labels, claimed with an item.
void end_chart(const Frame& fr) {
    ImGui::SetCursorScreenPos(ImVec2(fr.origin.x, fr.b.y + ImGui::GetTextLineHeight() + 6 * g.scale));
    ImGui::Dummy(ImVec2(fr.b.x - fr.origin.x, 2 * g.scale));
}

}  // namespace

ImU32 color(int series, float alpha) {
    ImU32 c = kPalette[(size_t)series % (sizeof kPalette / sizeof kPalette[0])];
    return (c & 0x00FFFFFF) | ((ImU32)(alpha * 255) << 24);
}

std::string format_value(double v, Format f, bool exact) {
    if (std::isnan(v)) return "-";
    char buf[64];
    if (f == Format::Share) {
        snprintf(buf, sizeof buf, exact ? "%.1f %%" : "%.0f %%", v * 100);
        return buf;
    }
    if (f == Format::Days) {
        snprintf(buf, sizeof buf, "%.0f d", v);
        return buf;
    }
    if (f == Format::Money && exact) return money_text((int64_t)std::llround(v), "");   // minor units, the app's money format
    if (f == Format::Money) v /= 100;
    if (exact) {
        snprintf(buf, sizeof buf, f == Format::Count ? "%.0f" : "%.2f", v);
        std::string s = buf, out;
        size_t dot = s.find('.'), end = dot == std::string::npos ? s.size() : dot;
        size_t start = s[0] == '-' ? 1 : 0;
        for (size_t i = 0; i < s.size(); i++) {
            out += s[i];
            if (i >= start && i + 1 < end && (end - i - 1) % 3 == 0) out += ',';
        }
        return out;
    }
    double a = std::fabs(v);
    if (a >= 1e9) snprintf(buf, sizeof buf, "%.1fG", v / 1e9);
    else if (a >= 1e6) snprintf(buf, sizeof buf, "%.1fM", v / 1e6);
    else if (a >= 1e4) snprintf(buf, sizeof buf, "%.0fk", v / 1e3);
    else if (a >= 1e3) snprintf(buf, sizeof buf, "%.1fk", v / 1e3);
    else if (f == Format::Count || a >= 100 || v == std::floor(v)) snprintf(buf, sizeof buf, "%.0f", v);
    else snprintf(buf, sizeof buf, "%.2f", v);
    return buf;
}

int bars(const char* id, const std::vector<std::string>& cats, const std::vector<Series>& series, Format f, float height, bool stacked,
         int* series_clicked) {
    ImGui::PushID(id);
    legend(series, false);
    double lo = 0, hi = 0;
    for (size_t i = 0; i < cats.size(); i++) {
        double pos = 0, neg = 0;
        for (auto& s : series) {
            double v = i < s.values.size() && !std::isnan(s.values[i]) ? s.values[i] : 0;
            if (stacked) (v >= 0 ? pos : neg) += v;
            else { hi = std::max(hi, v); lo = std::min(lo, v); }
        }
        if (stacked) { hi = std::max(hi, pos); lo = std::min(lo, neg); }
    }
    float s = g.scale;
    Frame fr = frame_for(id, lo, hi, f, height, ImGui::GetTextLineHeight() + 6 * s);
    ImDrawList* dl = ImGui::GetWindowDrawList();
    float slot = cats.empty() ? 1 : (fr.b.x - fr.a.x) / (float)cats.size();
    float gap = std::min(slot * 0.2f, 12 * s);
    int clicked = -1;
    for (size_t i = 0; i < cats.size(); i++) {
        float x0 = fr.a.x + slot * (float)i + gap / 2, x1 = fr.a.x + slot * (float)(i + 1) - gap / 2;
        double base = 0;
        for (size_t k = 0; k < series.size(); k++) {
            double v = i < series[k].values.size() ? series[k].values[i] : NAN;
            if (std::isnan(v)) continue;
            float bx0 = stacked ? x0 : x0 + (x1 - x0) * (float)k / (float)series.size();
            float bx1 = stacked ? x1 : x0 + (x1 - x0) * (float)(k + 1) / (float)series.size();
            double v0 = stacked ? base : 0, v1 = stacked ? base + v : v;
            if (stacked) base += v;
            ImVec2 a(std::round(bx0), std::round(fr.y_of(std::max(v0, v1)))), b(std::round(bx1), std::round(fr.y_of(std::min(v0, v1))));
            if (b.y - a.y < 1) a.y = b.y - 1;
            ImGui::SetCursorScreenPos(a);
            char label[160];
            snprintf(label, sizeof label, "%s: %s%s%s", id, cats[i].c_str(), series.size() > 1 ? " / " : "", series.size() > 1 ? series[k].name.c_str() : "");
            ImGui::PushID((int)(i * 64 + k));
            bool hit = ImGui::InvisibleButton("##bar", ImVec2(std::max(1.0f, b.x - a.x), std::max(1.0f, b.y - a.y)));
            test_label_last_item(label);
            bool hovered = ImGui::IsItemHovered();
            ImGui::PopID();
            dl->AddRectFilled(a, b, color((int)k, hovered ? 1.0f : 0.85f));
            hatch(dl, a, b, (int)k);
            if (hovered) {
                ImGui::SetTooltip("%s%s%s\n%s", cats[i].c_str(), series.size() > 1 ? " - " : "", series.size() > 1 ? series[k].name.c_str() : "",
                                  format_value(v, f, true).c_str());
                ImGui::SetMouseCursor(ImGuiMouseCursor_Hand);
            }
            if (hit) {
                clicked = (int)i;
                if (series_clicked) *series_clicked = (int)k;
            }
        }
    }
    float zero = px(fr.y_of(0));
    dl->AddLine(ImVec2(fr.a.x, zero), ImVec2(fr.b.x, zero), muted_color(), 1.0f);
    category_labels(fr, cats, slot);
    end_chart(fr);
    ImGui::PopID();
    return clicked;
}

int lines(const char* id, const std::vector<std::string>& cats, const std::vector<Series>& series, Format f, float height) {
    ImGui::PushID(id);
    legend(series, true);
    double lo = 0, hi = 0;
    for (auto& s : series)
        for (double v : s.values)
            if (!std::isnan(v)) { hi = std::max(hi, v); lo = std::min(lo, v); }
    if (f == Format::Share) hi = std::max(hi, std::min(1.0, hi * 1.1));
    float s = g.scale;
    Frame fr = frame_for(id, lo, hi, f, height, ImGui::GetTextLineHeight() + 6 * s);
    ImDrawList* dl = ImGui::GetWindowDrawList();
    float slot = cats.empty() ? 1 : (fr.b.x - fr.a.x) / (float)cats.size();
    int clicked = -1;
    for (size_t k = 0; k < series.size(); k++) {
        std::vector<ImVec2> pts;
        for (size_t i = 0; i < cats.size() && i < series[k].values.size(); i++) {
            double v = series[k].values[i];
            if (std::isnan(v)) {
                if (pts.size() > 1) dl->AddPolyline(pts.data(), (int)pts.size(), color((int)k), 0, 2 * s);
                pts.clear();
                continue;
            }
            pts.push_back(ImVec2(fr.a.x + slot * ((float)i + 0.5f), fr.y_of(v)));
        }
        if (pts.size() > 1) dl->AddPolyline(pts.data(), (int)pts.size(), color((int)k), 0, 2 * s);
    }
    // Columns as hover and click targets: the tooltip lists every series at that category.
    for (size_t i = 0; i < cats.size(); i++) {
        ImGui::SetCursorScreenPos(ImVec2(fr.a.x + slot * (float)i, fr.a.y));
        ImGui::PushID((int)i);
        bool hit = ImGui::InvisibleButton("##col", ImVec2(std::max(1.0f, slot), std::max(1.0f, fr.b.y - fr.a.y)));
        std::string label = std::string(id) + ": " + cats[i];
        test_label_last_item(label.c_str());
        bool hovered = ImGui::IsItemHovered();
        ImGui::PopID();
        float cx = fr.a.x + slot * ((float)i + 0.5f);
        for (size_t k = 0; k < series.size(); k++) {
            double v = i < series[k].values.size() ? series[k].values[i] : NAN;
            if (!std::isnan(v)) marker(dl, ImVec2(cx, fr.y_of(v)), (int)k, color((int)k), (hovered ? 4.5f : 3.0f) * s);
        }
        if (hovered) {
            dl->AddLine(ImVec2(px(cx), fr.a.y), ImVec2(px(cx), fr.b.y), muted_color(), 1.0f);
            std::string tip = cats[i];
            for (auto& se : series) {
                double v = i < se.values.size() ? se.values[i] : NAN;
                tip += "\n" + (se.name.empty() ? std::string() : se.name + ": ") + format_value(v, f, true);
            }
            ImGui::SetTooltip("%s", tip.c_str());
        }
        if (hit) clicked = (int)i;
    }
    category_labels(fr, cats, slot);
    end_chart(fr);
    ImGui::PopID();
    return clicked;
}

int funnel(const char* id, const std::vector<std::string>& stages, const std::vector<double>& values, float height) {
    ImGui::PushID(id);
    float s = g.scale;
    ImDrawList* dl = ImGui::GetWindowDrawList();
    ImVec2 p = ImGui::GetCursorScreenPos();
    float w = ImGui::GetContentRegionAvail().x, label_w = 0;
    for (auto& st : stages) label_w = std::max(label_w, ImGui::CalcTextSize(st.c_str()).x);
    double top = 0;
    for (double v : values) top = std::max(top, v);
    float row = stages.empty() ? height : height / (float)stages.size();
    float info_w = ImGui::CalcTextSize("0000000  (100 % of previous, 100 % of first)").x;
    float x0 = p.x + label_w + 10 * s, span = std::max(40 * s, w - label_w - 18 * s - info_w);
    int clicked = -1;
    for (size_t i = 0; i < stages.size(); i++) {
        double v = i < values.size() ? values[i] : 0;
        float bw = top > 0 ? (float)(v / top) * span : 0;
        float cx = x0 + span / 2;
        ImVec2 a(std::round(cx - bw / 2), std::round(p.y + row * (float)i + 2 * s)), b(std::round(cx + bw / 2), std::round(p.y + row * (float)(i + 1) - 2 * s));
        if (b.x - a.x < 2) { a.x = cx - 1; b.x = cx + 1; }
        ImGui::SetCursorScreenPos(ImVec2(x0, a.y));
        ImGui::PushID((int)i);
        bool hit = ImGui::InvisibleButton("##stage", ImVec2(std::max(1.0f, span), std::max(1.0f, b.y - a.y)));
        std::string label = std::string(id) + ": " + stages[i];
        test_label_last_item(label.c_str());
        bool hovered = ImGui::IsItemHovered();
        ImGui::PopID();
        dl->AddRectFilled(a, b, color(0, hovered ? 1.0f : 0.85f), 3 * s);
        ImVec2 ts = ImGui::CalcTextSize(stages[i].c_str());
        dl->AddText(ImVec2(p.x + label_w - ts.x, (a.y + b.y - ts.y) / 2), text_color(), stages[i].c_str());
        char info[96];
        double prev = i ? values[i - 1] : v, first = values.empty() ? 0 : values[0];
        if (i) snprintf(info, sizeof info, "%s  (%s of previous, %s of first)", format_value(v, Format::Count).c_str(),
                        format_value(prev > 0 ? v / prev : NAN, Format::Share).c_str(), format_value(first > 0 ? v / first : NAN, Format::Share).c_str());
        else snprintf(info, sizeof info, "%s", format_value(v, Format::Count, true).c_str());
        dl->AddText(ImVec2(x0 + span + 8 * s, (a.y + b.y - ts.y) / 2), muted_color(), info);
        if (hovered) {
            ImGui::SetTooltip("%s: %s\nstep conversion %s\ncumulative %s\ndropped %s", stages[i].c_str(), format_value(v, Format::Count, true).c_str(),
                              format_value(prev > 0 ? v / prev : NAN, Format::Share, true).c_str(),
                              format_value(first > 0 ? v / first : NAN, Format::Share, true).c_str(),
                              format_value(prev - v, Format::Count, true).c_str());
            ImGui::SetMouseCursor(ImGuiMouseCursor_Hand);
        }
        if (hit) clicked = (int)i;
    }
    ImGui::SetCursorScreenPos(ImVec2(p.x, p.y + height + 4 * s));
    ImGui::Dummy(ImVec2(1, 1));
    ImGui::PopID();
    return clicked;
}

bool heat_map(const char* id, const std::vector<std::string>& rows, const std::vector<std::string>& cols,
              const std::vector<std::vector<double>>& values, float height, int* row_out, int* col_out) {
    ImGui::PushID(id);
    float s = g.scale;
    ImDrawList* dl = ImGui::GetWindowDrawList();
    ImVec2 p = ImGui::GetCursorScreenPos();
    float w = ImGui::GetContentRegionAvail().x, label_w = 0;
    for (auto& r : rows) label_w = std::max(label_w, ImGui::CalcTextSize(r.c_str()).x);
    float head = ImGui::GetTextLineHeight() + 4 * s;
    float cw = cols.empty() ? 1 : (w - label_w - 8 * s) / (float)cols.size();
    float rh = rows.empty() ? 1 : std::max(ImGui::GetTextLineHeight() + 4 * s, (height - head) / (float)rows.size());
    float x0 = p.x + label_w + 8 * s, y0 = p.y + head;
    for (size_t c = 0; c < cols.size(); c++) {
        ImVec2 ts = ImGui::CalcTextSize(cols[c].c_str());
        dl->AddText(ImVec2(x0 + cw * ((float)c + 0.5f) - ts.x / 2, p.y), muted_color(), cols[c].c_str());
    }
    bool clicked = false;
    for (size_t r = 0; r < rows.size(); r++) {
        float y = y0 + rh * (float)r;
        dl->AddText(ImVec2(p.x + label_w - ImGui::CalcTextSize(rows[r].c_str()).x, y + (rh - ImGui::GetTextLineHeight()) / 2), text_color(), rows[r].c_str());
        for (size_t c = 0; c < cols.size(); c++) {
            double v = r < values.size() && c < values[r].size() ? values[r][c] : NAN;
            if (std::isnan(v)) continue;
            // A one-hue ramp (light to dark blue): ordered by lightness, readable without hue.
            float t = (float)std::clamp(v, 0.0, 1.0);
            ImU32 fill = IM_COL32((int)(235 - 235 * t), (int)(243 - 150 * t), (int)(255 - 100 * t), 255);
            ImVec2 a(std::round(x0 + cw * (float)c) + 1, std::round(y) + 1), b(std::round(x0 + cw * (float)(c + 1)) - 1, std::round(y + rh) - 1);
            ImGui::SetCursorScreenPos(a);
            ImGui::PushID((int)(r * 1000 + c));
            bool hit = ImGui::InvisibleButton("##cell", ImVec2(std::max(1.0f, b.x - a.x), std::max(1.0f, b.y - a.y)));
            std::string label = std::string(id) + ": " + rows[r] + " / " + cols[c];
            test_label_last_item(label.c_str());
            bool hovered = ImGui::IsItemHovered();
            ImGui::PopID();
            dl->AddRectFilled(a, b, fill);
            if (hovered) dl->AddRect(a, b, text_color(), 0, 0, 2 * s);
            std::string txt = format_value(v, Format::Share);
            ImVec2 ts = ImGui::CalcTextSize(txt.c_str());
            if (ts.x < b.x - a.x - 2)
                dl->AddText(ImVec2((a.x + b.x - ts.x) / 2, (a.y + b.y - ts.y) / 2), t > 0.55f ? IM_COL32(255, 255, 255, 255) : IM_COL32(20, 20, 20, 255), txt.c_str());
            if (hovered) ImGui::SetTooltip("%s, %s: %s", rows[r].c_str(), cols[c].c_str(), format_value(v, Format::Share, true).c_str());
            if (hit) {
                clicked = true;
                if (row_out) *row_out = (int)r;
                if (col_out) *col_out = (int)c;
            }
        }
    }
    ImGui::SetCursorScreenPos(ImVec2(p.x, y0 + rh * (float)rows.size() + 4 * s));
    ImGui::Dummy(ImVec2(1, 1));
    ImGui::PopID();
    return clicked;
}

int scatter(const char* id, const std::vector<double>& x, const std::vector<double>& y, uint64_t version, const std::function<std::string(size_t)>& label_of,
            const char* x_label, const char* y_label, Format fx, Format fy, float height) {
    ImGui::PushID(id);
    float s = g.scale;
    double xhi = 0, yhi = 0;
    for (size_t i = 0; i < x.size(); i++) { xhi = std::max(xhi, x[i]); yhi = std::max(yhi, y[i]); }
    ImGui::TextDisabled("%s (up) by %s (across)", y_label, x_label);
    Frame fr = frame_for(id, 0, yhi, fy, height, ImGui::GetTextLineHeight() + 6 * s);
    Axis xa = value_axis(0, xhi, 5);
    ImDrawList* dl = ImGui::GetWindowDrawList();
    auto x_of = [&](double v) { return fr.a.x + (float)((v - xa.lo) / (xa.hi - xa.lo)) * (fr.b.x - fr.a.x); };
    for (double v = xa.lo; v <= xa.hi + xa.step / 2; v += xa.step) {
        std::string t = format_value(v, fx);
        ImVec2 ts = ImGui::CalcTextSize(t.c_str());
        dl->AddText(ImVec2(x_of(v) - ts.x / 2, fr.b.y + 3 * s), muted_color(), t.c_str());
    }
    dl->AddLine(ImVec2(fr.a.x, px(fr.b.y)), ImVec2(fr.b.x, px(fr.b.y)), muted_color(), 1.0f);
    // The points: on the GPU, sent once per change of data, one draw call a
    // frame (shaders/points.*); where that cannot be, small squares here.
    float r = 1.6f * s;
    ImU32 dot = color(0, 0.55f);
    struct Sent { uint64_t version = UINT64_MAX; std::vector<float> xy; };
    static std::map<std::string, Sent> sent;   // by chart: the values as sent to the GPU
    Sent& pts = sent[id];
    if (pts.version != version) {
        pts.version = version;
        pts.xy.resize(2 * x.size());
        for (size_t i = 0; i < x.size(); i++) pts.xy[2 * i] = (float)x[i], pts.xy[2 * i + 1] = (float)y[i];
    }
    // pixel = offset + scale x value, the scale over the whole axis (over one
    // unit it would vanish in float rounding: a cent on an axis of millions).
    float x0 = x_of(0), y0 = fr.y_of(0);
    const float map[4] = {x0, (float)((x_of(xa.hi) - x_of(xa.lo)) / (xa.hi - xa.lo)), y0,
                          (float)((fr.y_of(fr.y.hi) - fr.y_of(fr.y.lo)) / (fr.y.hi - fr.y.lo))};
    ImGui::PushClipRect(ImVec2(fr.a.x - r, fr.a.y - r), ImVec2(fr.b.x + r, fr.b.y + r), true);   // a point on an edge shows whole
    bool on_gpu = platform::draw_points(dl, (int)ImGui::GetID("points"), version, pts.xy.data(), x.size(), map, 2 * r, dot);
    ImGui::PopClipRect();
    // Hover: the nearest point within a few pixels; points are drawn, not buttons (there may be thousands).
    ImVec2 mouse = ImGui::GetIO().MousePos;
    int near = -1;
    float best = 36 * s * s;
    bool inside = mouse.x >= fr.a.x - 6 * s && mouse.x <= fr.b.x + 6 * s && mouse.y >= fr.a.y - 6 * s && mouse.y <= fr.b.y + 6 * s;
    for (size_t i = 0; i < x.size() && (inside || !on_gpu); i++) {
        ImVec2 q(x_of(x[i]), fr.y_of(y[i]));
        if (!on_gpu) dl->AddRectFilled(ImVec2(q.x - r, q.y - r), ImVec2(q.x + r, q.y + r), dot);
        float d = (q.x - mouse.x) * (q.x - mouse.x) + (q.y - mouse.y) * (q.y - mouse.y);
        if (d < best) { best = d; near = (int)i; }
    }
    ImGui::SetCursorScreenPos(fr.a);
    bool hit = ImGui::InvisibleButton("##plot", ImVec2(std::max(1.0f, fr.b.x - fr.a.x), std::max(1.0f, fr.b.y - fr.a.y)));
    std::string label = std::string(id) + ": plot";
    test_label_last_item(label.c_str());
    int clicked = -1;
    if (ImGui::IsItemHovered() && near >= 0) {
        ImVec2 q(x_of(x[(size_t)near]), fr.y_of(y[(size_t)near]));
        dl->AddCircle(q, 5 * s, text_color(), 0, 1.5f * s);
        ImGui::SetTooltip("%s\n%s: %s\n%s: %s", label_of((size_t)near).c_str(), x_label,
                          format_value(x[(size_t)near], fx, true).c_str(), y_label, format_value(y[(size_t)near], fy, true).c_str());
        if (hit) clicked = near;
    }
    end_chart(fr);
    ImGui::PopID();
    return clicked;
}

int donut(const char* id, const std::vector<std::string>& labels, const std::vector<double>& values, Format f, float size) {
    ImGui::PushID(id);
    float s = g.scale;
    ImDrawList* dl = ImGui::GetWindowDrawList();
    ImVec2 p = ImGui::GetCursorScreenPos();
    double total = 0;
    for (double v : values) total += std::max(0.0, v);
    ImVec2 c(p.x + size / 2, p.y + size / 2);
    float ro = size / 2 - 2 * s, ri = ro * 0.55f;
    ImVec2 mouse = ImGui::GetIO().MousePos;
    float dx = mouse.x - c.x, dy = mouse.y - c.y, dist = std::sqrt(dx * dx + dy * dy);
    float mouse_angle = std::atan2(dy, dx);
    if (mouse_angle < -kPi / 2) mouse_angle += 2 * kPi;
    ImGui::InvisibleButton("##donut", ImVec2(size, size));
    bool over = ImGui::IsItemHovered() && dist >= ri && dist <= ro;
    bool hit = ImGui::IsItemClicked();
    int hovered = -1, clicked = -1;
    float a0 = -kPi / 2;
    for (size_t i = 0; i < values.size(); i++) {
        if (total <= 0 || values[i] <= 0) continue;
        float a1 = a0 + (float)(values[i] / total) * 2 * kPi;
        bool h = over && mouse_angle >= a0 && mouse_angle < a1;
        if (h) hovered = (int)i;
        float r_out = h ? ro + 2 * s : ro;
        int segs = std::max(4, (int)((a1 - a0) * 24));
        for (int k = 0; k < segs; k++) {
            float t0 = a0 + (a1 - a0) * (float)k / (float)segs, t1 = a0 + (a1 - a0) * (float)(k + 1) / (float)segs;
            dl->AddQuadFilled(ImVec2(c.x + std::cos(t0) * ri, c.y + std::sin(t0) * ri), ImVec2(c.x + std::cos(t0) * r_out, c.y + std::sin(t0) * r_out),
                              ImVec2(c.x + std::cos(t1) * r_out, c.y + std::sin(t1) * r_out), ImVec2(c.x + std::cos(t1) * ri, c.y + std::sin(t1) * ri),
                              color((int)i));
        }
        // A white edge between slices, so neighbours of similar lightness stay apart.
        dl->AddLine(ImVec2(c.x + std::cos(a0) * ri, c.y + std::sin(a0) * ri), ImVec2(c.x + std::cos(a0) * r_out, c.y + std::sin(a0) * r_out),
                    ImGui::GetColorU32(ImGuiCol_WindowBg), 1.5f * s);
        a0 = a1;
    }
    if (hovered >= 0) {
        ImGui::SetTooltip("%s: %s (%s)", labels[(size_t)hovered].c_str(), format_value(values[(size_t)hovered], f, true).c_str(),
                          format_value(values[(size_t)hovered] / total, Format::Share, true).c_str());
        if (hit) clicked = hovered;
    }
    // The legend beside it: each slice's swatch, name and share (what colour alone would not say).
    ImGui::SameLine();
    ImGui::BeginGroup();
    for (size_t i = 0; i < labels.size(); i++) {
        ImVec2 q = ImGui::GetCursorScreenPos();
        float h = ImGui::GetTextLineHeight();
        dl->AddRectFilled(ImVec2(q.x, q.y + 2 * s), ImVec2(q.x + h - 4 * s, q.y + h - 2 * s), color((int)i));
        ImGui::Dummy(ImVec2(h, h));
        ImGui::SameLine();
        std::string label = labels[i] + "  " + format_value(total > 0 ? values[i] / total : NAN, Format::Share);
        ImGui::PushID((int)i);
        if (ImGui::Selectable(label.c_str(), hovered == (int)i)) clicked = (int)i;
        std::string test = std::string(id) + ": " + labels[i];
        test_label_last_item(test.c_str());
        ImGui::PopID();
    }
    ImGui::EndGroup();
    ImGui::PopID();
    return clicked;
}

}  // namespace crm::app::chart
