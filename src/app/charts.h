// charts.h - the charts the Analytics screen and the Dashboard draw: bars
// (grouped or stacked), lines, a horizontal funnel, a heat map, a scatter
// plot and a donut, with axes at nice tick values, a legend, and tooltips with
// the exact values. Drawn with Dear ImGui's draw lists (the app's GL shaders
// render them like every other widget), in pixels scaled by the device pixel
// ratio, so they are crisp at any zoom, and in the theme's colours.
//
// Colour-blind users: the palette is Okabe-Ito's eight colours, and no chart
// relies on colour alone: series of bars differ by hatching, lines by marker
// shape, heat-map cells print their value, donut slices are labelled.
//
// Every mark is an invisible button labelled "<chart id>: <category>" (and
// series), so the browser tests click it like a user; each call returns what
// was clicked, for drill-down.
#pragma once

#include <imgui.h>

#include <functional>
#include <string>
#include <vector>

namespace crm::app::chart {

enum class Format { Count, Money, Share, Real, Days };
std::string format_value(double v, Format f, bool exact = false);   // "1.2M", "34 %", exact: "1,234,567.00"

struct Series {
    std::string name;
    std::vector<double> values;   // one per category; NaN = no value
};

ImU32 color(int series, float alpha = 1.0f);

// Returns the index of the clicked category (bars, lines, funnel, donut,
// scatter point), or -1. `series_clicked` (when given) says which series.
int bars(const char* id, const std::vector<std::string>& categories, const std::vector<Series>& series, Format f, float height,
         bool stacked = false, int* series_clicked = nullptr);
int lines(const char* id, const std::vector<std::string>& categories, const std::vector<Series>& series, Format f, float height);
int funnel(const char* id, const std::vector<std::string>& stages, const std::vector<double>& values, float height);
// Rows x columns of shares (0..1, NaN = blank); true when a cell was clicked (its row and column in *row, *col).
bool heat_map(const char* id, const std::vector<std::string>& rows, const std::vector<std::string>& cols,
              const std::vector<std::vector<double>>& values, float height, int* row, int* col);
// label_of(i) names point i in its tooltip (called for the hovered point only);
// `version` changes when the points do (they are kept on the GPU until then).
int scatter(const char* id, const std::vector<double>& x, const std::vector<double>& y, uint64_t version, const std::function<std::string(size_t)>& label_of,
            const char* x_label, const char* y_label, Format fx, Format fy, float height);
int donut(const char* id, const std::vector<std::string>& labels, const std::vector<double>& values, Format f, float size);

}  // namespace crm::app::chart
