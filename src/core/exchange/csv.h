// csv.h - CSV in and out, as other CRMs and spreadsheets write it.
//
// Reading: UTF-8 with or without a BOM, CRLF or LF, quoted fields holding
// delimiters, doubled quotes and line breaks, the delimiter (comma,
// semicolon or tab) detected from the header line. A record is read at a
// time, so a file of any length streams; an unterminated quote, invalid UTF-8
// or a field over 1 MiB is an error naming the line.
//
// Importing contacts, accounts or leads: a column mapping guessed from the
// header names ("First Name", "E-mail Address", "Company Name", "Phone
// Number" ...) that the user may correct; a preview of the first rows with
// each row's error, its exact duplicate or else its likely one with a score;
// exact duplicates of existing records (same e-mail, or same name and phone)
// found and skipped, updated or created as the user chooses. The
// import itself is one transaction run a slice at a time (for a progress bar
// and a cancel that leaves nothing), and any invalid row stops it with the
// line and field named.
//
// Writing: any list as CSV with a header of field labels; a cell starting
// with = + - @ (or a tab or carriage return) gets a leading apostrophe so a
// spreadsheet shows it instead of running it as a formula.
#pragma once

#include <iosfwd>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "records/listing.h"
#include "records/store.h"

namespace crm {

class CsvReader {
public:
    explicit CsvReader(std::istream& in, char delimiter = 0);   // 0: detect from the first line
    // The next record; false at the end. Throws CsvError naming the line.
    bool next(std::vector<std::string>& fields);
    int64_t line() const { return record_line_; }               // where the last record started (1-based)
    char delimiter() const { return delim_; }

private:
    int get();
    std::istream& in_;
    char delim_;
    std::string pending_;   // the first line, read ahead to detect the delimiter
    size_t pending_pos_ = 0;
    int64_t line_ = 1, record_line_ = 0;
    bool at_start_ = true;
};

struct CsvError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Column -> field (or "" to ignore). For contacts, "company" is the account
// by name, found or created.
std::vector<std::string> guess_mapping(const EntitySpec& e, const std::vector<std::string>& header);
// "First Name=first_name,E-mail=email" (the CLI's --map) applied over a guess.
std::vector<std::string> apply_mapping_text(const EntitySpec& e, const std::vector<std::string>& header,
                                            std::vector<std::string> mapping, const std::string& text);

enum class DuplicatePolicy { Skip, Update, Create };

struct CsvImportOptions {
    const EntitySpec* entity = &kContacts;
    std::vector<std::string> mapping;              // per column; empty: guessed from the header
    DuplicatePolicy duplicates = DuplicatePolicy::Skip;
    std::string name = "import.csv";               // for messages
};

struct CsvRowPreview {
    int64_t line = 0;
    std::vector<std::string> cells;
    std::string error;                             // "" when the row is valid
    std::string duplicate_of;                      // an existing record's id
    // Not the same keys, but likely the same (the duplicate finder's score):
    // a warning; the row imports as a new record.
    std::string likely_of, likely_title, likely_reasons;   // "Anna Schmidt", "similar name, same phone"
    double likely_score = 0;
};
struct CsvPreview {
    std::vector<std::string> header, mapping;
    char delimiter = ',';
    std::vector<CsvRowPreview> rows;
};
CsvPreview preview_csv(Store& store, std::istream& in, const CsvImportOptions& options, int rows = 20);

struct CsvImportSummary {
    std::string import_id;                         // for revert_import
    int64_t rows = 0, created = 0, updated = 0, skipped_duplicates = 0, accounts_created = 0;
};

// A running import: step() until it returns true (committed). Destroying an
// unfinished run rolls it back. Errors throw CsvError("file: line N: field: message").
class CsvImport {
public:
    CsvImport(Store& store, std::istream& in, CsvImportOptions options);
    ~CsvImport();
    CsvImport(const CsvImport&) = delete;
    CsvImport& operator=(const CsvImport&) = delete;
    bool step(double budget_ms);
    const CsvImportSummary& summary() const;
    int64_t bytes_read() const;

private:
    friend CsvPreview preview_csv(Store&, std::istream&, const CsvImportOptions&, int);
    struct Impl;
    std::unique_ptr<Impl> impl_;
};
CsvImportSummary import_csv(Store& store, std::istream& in, const CsvImportOptions& options);

// Reverts the most recent import that is not reverted yet: the records it
// created are removed, the fields it updated get their previous values back.
// One transaction. Throws CsvError when there is nothing to revert.
struct RevertSummary {
    std::string file;
    int64_t removed = 0, restored = 0;
};
RevertSummary revert_last_import(Store& store);

// Writes the rows of a list query (all of them, page by page) as CSV.
int64_t export_csv(Store& store, const ListQuery& q, std::ostream& out);
std::string csv_cell(const std::string& value);   // quoted and formula-escaped as written

}  // namespace crm
