// calendar.cpp - see calendar.h.
#include "exchange/calendar.h"

#include <cstdio>
#include <random>

#include <ostream>
#include <stdexcept>

#include "base/util.h"
#include "exchange/vcard.h"

namespace crm {

namespace {

// 2026-03-05T10:00:00.000Z -> 20260305T100000Z
std::string ics_time(const std::string& iso) {
    std::string out;
    for (char c : iso.substr(0, 19))
        if (c != '-' && c != ':') out += c;
    return out + "Z";
}

}  // namespace

std::string create_calendar_feed(Store& store, const std::string& owner_id) {
    if (!store.exists(kUsers, owner_id)) throw std::invalid_argument("no user has the id '" + owner_id + "'");
    std::random_device rd;
    char secret[33];
    for (int i = 0; i < 4; i++) snprintf(secret + 8 * i, 9, "%08x", (unsigned)rd());
    store.set_setting(std::string("calendar.feed.") + secret, owner_id);
    return secret;
}

void revoke_calendar_feed(Store& store, const std::string& secret) {
    if (calendar_feed_owner(store, secret).empty()) throw std::invalid_argument("no calendar feed has the secret '" + secret + "'");
    store.set_setting("calendar.feed." + secret, "");
}

std::string calendar_feed_owner(Store& store, const std::string& secret) {
    if (secret.size() != 32 || secret.find_first_not_of("0123456789abcdef") != std::string::npos) return "";
    return store.setting("calendar.feed." + secret);
}

std::vector<std::pair<std::string, std::string>> calendar_feeds(Store& store) {
    std::vector<std::pair<std::string, std::string>> out;
    Statement st(store.db(), "SELECT substr(key, 15), value FROM settings WHERE key LIKE 'calendar.feed.%' AND value <> '' ORDER BY key");
    while (st.step()) out.push_back({st.column_text(0), st.column_text(1)});
    return out;
}

std::string calendar_feed_url(Store& store, const std::string& secret) {
    std::string server = store.setting("sync.server"), ws = store.setting("sync.workspace");
    if (server.empty() || ws.empty()) return "";
    while (!server.empty() && server.back() == '/') server.pop_back();
    return server + "/v1/calendar/" + ws + "/" + secret + ".ics";
}

std::string find_user(Store& store, const std::string& name_or_id) {
    Statement st(store.db(), "SELECT id FROM users WHERE deleted = 0 AND (id = ?1 OR name = ?1 COLLATE NOCASE) ORDER BY id = ?1 DESC LIMIT 1");
    st.bind_all(name_or_id);
    if (!st.step()) throw std::invalid_argument("no user is named or has the id '" + name_or_id + "'");
    return st.column_text(0);
}

int64_t export_ics(Store& store, std::ostream& out, const CalendarOptions& o) {
    int64_t from = o.from_ms ? o.from_ms : store.now_ms();
    int64_t to = o.to_ms ? o.to_ms : from + 28 * 86400000LL;
    std::string lo = format_datetime(from), hi = format_datetime(to), stamp = ics_time(format_datetime(store.now_ms()));
    auto line = [&](const std::string& l) { out << fold_content_line(l); };
    line("BEGIN:VCALENDAR");
    line("VERSION:2.0");
    line("PRODID:-//Offline-first CRM//EN");
    line("CALSCALE:GREGORIAN");
    line("METHOD:PUBLISH");
    line("X-WR-CALNAME:CRM tasks and meetings");
    int64_t n = 0;
    // The item's text, then who it is about.
    auto describe = [&](std::string text, const std::string& contact, const std::string& account) {
        std::string who;
        if (!contact.empty()) who += "Contact: " + contact;
        if (!account.empty()) who += (who.empty() ? "" : "\n") + std::string("Account: ") + account;
        if (!who.empty()) text += (text.empty() ? "" : "\n\n") + who;
        if (!text.empty()) line("DESCRIPTION:" + vcard_escape(text));
    };
    // The window's items (one owner's or everyone's), or the one record asked for.
    auto query = [&](const std::string& sql, const char* window, const char* one, const std::string& from) {
        Statement st(store.db(), sql + (o.record_id.empty() ? window : one));
        if (o.record_id.empty()) st.bind_all(from, hi, o.owner_id);
        else st.bind_all(o.record_id);
        return st;
    };
    {
        std::string sql =
            "SELECT t.id, t.title, t.note, t.due_at, t.priority, t.done, t.completed_at, t.updated_at, "
            "  coalesce((SELECT trim(first_name || ' ' || last_name) FROM contacts WHERE id = t.contact_id), ''), "
            "  coalesce((SELECT name FROM accounts WHERE id = t.account_id), '') "
            "FROM tasks t WHERE t.deleted = 0 AND t.due_at <> '' ";
        Statement st = query(sql, "AND t.done = 0 AND t.due_at >= ?1 AND t.due_at < ?2 AND (?3 = '' OR t.owner_id = ?3) ORDER BY t.due_at, t.id",
                             "AND t.id = ?1", o.from_ms ? lo : std::string());   // from now: the overdue ones too, still to do
        while (st.step()) {
            line("BEGIN:VTODO");
            line("UID:" + st.column_text(0) + "@crm");
            line("DTSTAMP:" + stamp);
            line("LAST-MODIFIED:" + ics_time(st.column_text(7)));
            line("SUMMARY:" + vcard_escape(st.column_text(1)));
            describe(st.column_text(2), st.column_text(8), st.column_text(9));
            line("DUE:" + ics_time(st.column_text(3)));
            std::string pr = st.column_text(4);
            line(std::string("PRIORITY:") + (pr == "high" ? "1" : pr == "low" ? "9" : "5"));
            if (st.column_int(5)) {
                line("STATUS:COMPLETED");
                if (!st.column_text(6).empty()) line("COMPLETED:" + ics_time(st.column_text(6)));
            } else {
                line("STATUS:NEEDS-ACTION");
            }
            line("END:VTODO");
            n++;
        }
    }
    {
        std::string sql =
            "SELECT a.id, a.subject, a.body, a.occurred_at, a.duration_s, a.updated_at, "
            "  coalesce((SELECT trim(first_name || ' ' || last_name) FROM contacts WHERE id = a.contact_id), ''), "
            "  coalesce((SELECT name FROM accounts WHERE id = a.account_id), '') "
            "FROM activities a WHERE a.deleted = 0 AND a.type = 'meeting' ";
        Statement st = query(sql, "AND a.occurred_at >= ?1 AND a.occurred_at < ?2 AND (?3 = '' OR a.owner_id = ?3) ORDER BY a.occurred_at, a.id",
                             "AND a.id = ?1", lo);
        while (st.step()) {
            std::string start = st.column_text(3);
            int64_t dur = st.column_int(4) > 0 ? st.column_int(4) : 1800;
            auto start_ms = parse_datetime(start);
            line("BEGIN:VEVENT");
            line("UID:" + st.column_text(0) + "@crm");
            line("DTSTAMP:" + stamp);
            line("LAST-MODIFIED:" + ics_time(st.column_text(5)));
            line("DTSTART:" + ics_time(start));
            if (start_ms) line("DTEND:" + ics_time(format_datetime(*start_ms + dur * 1000)));
            line("SUMMARY:" + vcard_escape(st.column_text(1).empty() ? "Meeting" : st.column_text(1)));
            describe(st.column_text(2), st.column_text(6), st.column_text(7));
            line("END:VEVENT");
            n++;
        }
    }
    if (n == 0) {
        // RFC 5545 wants a calendar to hold a component: a rep with nothing
        // planned gets the UTC zone, so a subscribed calendar app takes the feed.
        for (const char* l : {"BEGIN:VTIMEZONE", "TZID:UTC", "BEGIN:STANDARD", "DTSTART:19700101T000000", "TZOFFSETFROM:+0000",
                              "TZOFFSETTO:+0000", "END:STANDARD", "END:VTIMEZONE"})
            line(l);
    }
    line("END:VCALENDAR");
    if (!o.record_id.empty() && n == 0) throw std::invalid_argument("no task with a due time or meeting has the id '" + o.record_id + "'");
    return n;
}

}  // namespace crm
