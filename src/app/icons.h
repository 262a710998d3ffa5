// icons.h - the icons of the interface: Font Awesome 4.7 (Debian's
// fonts-font-awesome, fetched at setup), merged into the atlas at the text's
// sizes (app.cpp). Each is a UTF-8 string in the Private Use Area, written
// before a label with a space: ICON_CALL " Log call". The item hooks and the
// accessible mirror leave the icon out of the name (strip_icon): a screen
// reader says "Log call", not a private character.
#pragma once

#include <imgui.h>

#define ICON_DASHBOARD  "\xef\x83\xa4"   // U+F0E4 tachometer
#define ICON_HOME       "\xef\x80\x95"   // U+F015 home
#define ICON_CONTACTS   "\xef\x83\x80"   // U+F0C0 users
#define ICON_CONTACT    "\xef\x80\x87"   // U+F007 user
#define ICON_ACCOUNTS   "\xef\x86\xad"   // U+F1AD building
#define ICON_LEADS      "\xef\x82\xb0"   // U+F0B0 filter (a funnel)
#define ICON_PIPELINE   "\xef\x82\xb1"   // U+F0B1 briefcase
#define ICON_CASES      "\xef\x87\x8d"   // U+F1CD life-ring
#define ICON_CAMPAIGNS  "\xef\x82\xa1"   // U+F0A1 bullhorn
#define ICON_ANALYTICS  "\xef\x82\x80"   // U+F080 bar-chart
#define ICON_DATA       "\xef\x87\x80"   // U+F1C0 database
#define ICON_QUALITY    "\xef\x81\x98"   // U+F058 check-circle
#define ICON_SETTINGS   "\xef\x80\x93"   // U+F013 cog
#define ICON_MORE       "\xef\x85\x81"   // U+F141 ellipsis-h
#define ICON_NOTE       "\xef\x89\x89"   // U+F249 sticky-note
#define ICON_CALL       "\xef\x82\x95"   // U+F095 phone
#define ICON_EMAIL      "\xef\x83\xa0"   // U+F0E0 envelope
#define ICON_MEETING    "\xef\x81\xb3"   // U+F073 calendar
#define ICON_TASK       "\xef\x82\xae"   // U+F0AE tasks
#define ICON_EDIT       "\xef\x81\x80"   // U+F040 pencil
#define ICON_CHECK      "\xef\x80\x8c"   // U+F00C check
#define ICON_DELETE     "\xef\x87\xb8"   // U+F1F8 trash
#define ICON_BACK       "\xef\x81\xa0"   // U+F060 arrow-left
#define ICON_PLUS       "\xef\x81\xa7"   // U+F067 plus
#define ICON_SEARCH     "\xef\x80\x82"   // U+F002 search
#define ICON_EXPORT     "\xef\x80\x99"   // U+F019 download
#define ICON_IMPORT     "\xef\x82\x93"   // U+F093 upload
#define ICON_WARNING    "\xef\x81\xb1"   // U+F071 exclamation-triangle
#define ICON_CLOCK      "\xef\x80\x97"   // U+F017 clock-o
#define ICON_STAR       "\xef\x80\x85"   // U+F005 star
#define ICON_CHAT       "\xef\x82\x86"   // U+F086 comments
#define ICON_VISIT      "\xef\x81\x81"   // U+F041 map-marker
#define ICON_WEB        "\xef\x82\xac"   // U+F0AC globe
#define ICON_SMS        "\xef\x84\x8b"   // U+F10B mobile

namespace crm::app {

// The codepoints above, for the atlas (pairs of first and last, 0-terminated).
inline const ImWchar* icon_ranges() {
    static const ImWchar r[] = {0xf002, 0xf002, 0xf005, 0xf005, 0xf007, 0xf007, 0xf00c, 0xf00c, 0xf013, 0xf013, 0xf015, 0xf015, 0xf017, 0xf017, 0xf019, 0xf019, 0xf040, 0xf040, 0xf041, 0xf041, 0xf058, 0xf058, 0xf060, 0xf060, 0xf067, 0xf067, 0xf071, 0xf071, 0xf073, 0xf073, 0xf080, 0xf080, 0xf086, 0xf086, 0xf093, 0xf093, 0xf095, 0xf095, 0xf0a1, 0xf0a1, 0xf0ac, 0xf0ac, 0xf0ae, 0xf0ae, 0xf0b0, 0xf0b0, 0xf0b1, 0xf0b1, 0xf0c0, 0xf0c0, 0xf0e0, 0xf0e0, 0xf0e4, 0xf0e4, 0xf10b, 0xf10b, 0xf141, 0xf141, 0xf1ad, 0xf1ad, 0xf1c0, 0xf1c0, 0xf1cd, 0xf1cd, 0xf1f8, 0xf1f8, 0xf249, 0xf249, 0};
    return r;
}

// A label without its leading icon and the spaces after it.
inline const char* strip_icon(const char* label) {
    const unsigned char* p = (const unsigned char*)label;
    // U+E000..U+F8FF in UTF-8: EE 80 80 .. EF A3 BF.
    if (p && (p[0] == 0xEE || (p[0] == 0xEF && p[1] <= 0xA3)) && p[1] && p[2]) {
        p += 3;
        while (*p == ' ') p++;
    }
    return (const char*)p;
}

}  // namespace crm::app
