// pagevfs.cpp - see pagevfs.h. The VFS methods are near the end; the
// in-memory file and its persistence bookkeeping come first.
#include "storage/pagevfs.h"

#include <algorithm>
#include <cstring>

#include <sqlite3.h>

namespace crm {

const char* const kPageVfsName = "crmpages";

//-----------------------------------------------------------------------------
// PageFile: blocks in memory
//-----------------------------------------------------------------------------

namespace {
bool g_page_missed = false;
// Page 1 and b-tree interior pages (type byte 2 or 5, after the 100-byte
// file header on page 1) are kept in memory once read.
bool is_pinned_page(uint32_t i, const uint8_t* data) {
    uint8_t type = data[i == 0 ? 100 : 0];
    return i == 0 || type == 2 || type == 5;
}

// The child pages an interior b-tree page points to, as 0-based blocks: each
// cell starts with its left child's page number, and the header ends with
// the right-most child (SQLite file format, section 1.6).
template <class F> void for_each_child(uint32_t i, const uint8_t* data, F&& f) {
    const uint8_t* h = data + (i == 0 ? 100 : 0);
    if (h[0] != 2 && h[0] != 5) return;
    auto u16 = [](const uint8_t* p) { return (uint32_t)p[0] << 8 | p[1]; };
    auto u32 = [](const uint8_t* p) { return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]; };
    uint32_t cells = u16(h + 3);
    const uint8_t* ptrs = h + 12;
    for (uint32_t c = 0; c < cells; c++) {
        uint32_t off = u16(ptrs + 2 * c);
        if (off + 4 > kBlockSize) return;   // not a page we understand: no hints
        uint32_t page = u32(data + off);
        if (page) f(page - 1);
    }
    uint32_t right = u32(h + 8);
    if (right) f(right - 1);
}
}  // namespace

bool take_page_miss() {
    bool m = g_page_missed;
    g_page_missed = false;
    return m;
}

uint8_t* PageFile::alloc_block(uint32_t i) {
    if (blocks_.size() <= i) blocks_.resize((size_t)i + 1);
    if (lazy_ && flags_.size() <= i) {   // the file grew: its new blocks are tracked too
        flags_.resize((size_t)i + 1, 0);
        last_use_.resize((size_t)i + 1, 0);
        stored_in_.resize((size_t)i + 1, 0);
    }
    if (!blocks_[i]) {
        blocks_[i] = std::make_unique<uint8_t[]>(kBlockSize);
        memset(blocks_[i].get(), 0, kBlockSize);
        resident_++;
    }
    return blocks_[i].get();
}

uint8_t* PageFile::load_block(uint32_t i) {
    if (absent(i)) {
        flags_[i] &= (uint8_t)~kAbsent;
        absent_count_--;
    }
    return alloc_block(i);
}

void PageFile::set_size(uint64_t size) { size_ = size; }

//-----------------------------------------------------------------------------
// PageFile: demand paging
//-----------------------------------------------------------------------------

void PageFile::open_lazy(uint64_t size, const uint8_t* block0) {
    blocks_.clear();
    resident_ = 0;
    lazy_ = true;
    size_ = size;
    uint32_t n = (uint32_t)((size + kBlockSize - 1) / kBlockSize);
    flags_.assign(n, kAbsent);
    last_use_.assign(n, 0);
    parent_of_.assign(n, 0);
    stored_in_.assign(n, 0);
    absent_count_ = n;
    wanted_.clear();
    if (n) provide(0, block0, true);
}

void PageFile::provide(uint32_t i, const uint8_t* data, bool wanted, uint32_t token) {
    if (!absent(i)) return;
    if (token != kReadNow && i < stored_in_.size() && stored_in_[i] > token) return;   // older than a save since: read again
    memcpy(load_block(i), data, kBlockSize);
    last_use_[i] = wanted ? ++tick_ : 0;
    // An interior page: remember whose parent it is, so that a miss on one
    // leaf fetches its siblings too (a scan reads them next).
    for_each_child(i, data, [&](uint32_t child) {
        if (child < parent_of_.size()) parent_of_[child] = i + 1;
    });
}

int64_t PageFile::next_absent(uint32_t from) const {
    if (!absent_count_) return -1;
    for (size_t b = from; b < flags_.size(); b++)
        if (flags_[b] & kAbsent) return (int64_t)b;
    return -1;
}

std::vector<uint32_t> PageFile::take_wanted() {
    std::vector<uint32_t> w;
    w.swap(wanted_);
    for (uint32_t b : w)
        if (b < flags_.size()) flags_[b] &= (uint8_t)~kWanted;
    return w;
}

std::vector<uint32_t> PageFile::siblings(const std::vector<uint32_t>& blocks, size_t per_block) const {
    std::vector<uint32_t> out;
    for (uint32_t b : blocks) {
        uint32_t p = b < parent_of_.size() ? parent_of_[b] : 0;
        if (!p || p - 1 >= blocks_.size() || !blocks_[p - 1]) continue;
        // The children after b, in key order: where a scan goes next.
        bool after = false;
        size_t taken = 0;
        for_each_child(p - 1, blocks_[p - 1].get(), [&](uint32_t child) {
            if (child == b) after = true;
            else if (after && taken < per_block && absent(child) && std::find(out.begin(), out.end(), child) == out.end()) {
                out.push_back(child);
                taken++;
            }
        });
    }
    return out;
}

void PageFile::set_memory_limit(uint64_t bytes) { limit_blocks_ = bytes / kBlockSize; }

// Drops the least recently used clean blocks down to 90 % of the limit, in
// one pass (a scan and a partial sort), so the cost is spread over the many
// blocks that arrive before the next trim. A block that is written and not
// yet stored, page 1, interior pages and the blocks read since
// `keep_used_since` are never dropped (see pagevfs.h).
void PageFile::trim(uint64_t keep_used_since) {
    if (!limit_blocks_ || resident_ <= limit_blocks_) return;
    std::vector<uint32_t> in_flight = in_flight_blocks_;
    std::sort(in_flight.begin(), in_flight.end());
    std::vector<std::pair<uint64_t, uint32_t>> candidates;   // (last use, block)
    for (uint32_t b = 0; b < blocks_.size() && b < flags_.size(); b++) {
        if (!blocks_[b] || is_pinned_page(b, blocks_[b].get())) continue;
        if (b < dirty_flag_.size() && dirty_flag_[b]) continue;
        if (pending_.count(b) || std::binary_search(in_flight.begin(), in_flight.end(), b)) continue;
        if (last_use_[b] > keep_used_since) continue;
        candidates.push_back({last_use_[b], b});
    }
    // The limit counts the clean blocks that may go: a long transaction's
    // unsaved blocks stay whatever their number, and must not leave it no
    // room to read (it would miss, fetch and lose its blocks forever).
    uint64_t target = limit_blocks_ - limit_blocks_ / 10;
    size_t drop = candidates.size() > target ? (size_t)(candidates.size() - target) : 0;
    if (drop == 0) return;
    std::nth_element(candidates.begin(), candidates.begin() + (drop - 1), candidates.end());
    for (size_t k = 0; k < drop; k++) {
        uint32_t b = candidates[k].second;
        blocks_[b].reset();
        flags_[b] |= kAbsent;
        absent_count_++;
        resident_--;
        evictions_++;
    }
}

uint32_t PageFile::pinned_blocks() const {
    uint32_t n = 0;
    for (uint32_t b = 0; b < blocks_.size(); b++)
        if (blocks_[b] && is_pinned_page(b, blocks_[b].get())) n++;
    return n;
}

void PageFile::mark_start() {
    start_blocks_.clear();
    for (uint32_t b = 0; b < last_use_.size(); b++)
        if (last_use_[b]) start_blocks_.push_back(b);
}

std::vector<uint32_t> PageFile::hot_blocks(size_t max_blocks, size_t* start_count) const {
    // First part: page 1 and what the start read; without a marked start,
    // page 1 and every interior page (what any start reads). Then the other
    // interior pages, then the most recently read, as room allows.
    const bool marked = !start_blocks_.empty();
    std::vector<uint32_t> first, pinned, recent;
    if (!blocks_.empty() && blocks_[0]) first.push_back(0);
    for (uint32_t b : start_blocks_)
        if (b < blocks_.size() && blocks_[b]) first.push_back(b);
    std::sort(first.begin(), first.end());
    first.erase(std::unique(first.begin(), first.end()), first.end());
    for (uint32_t b = 1; b < blocks_.size(); b++) {
        if (!blocks_[b] || (marked && std::binary_search(first.begin(), first.end(), b))) continue;
        if (is_pinned_page(b, blocks_[b].get())) (marked ? pinned : first).push_back(b);
        else if (b < last_use_.size() && last_use_[b]) recent.push_back(b);
    }
    if (!marked) std::sort(first.begin(), first.end());
    if (first.size() > max_blocks) first.resize(max_blocks);
    pinned.resize(std::min(pinned.size(), max_blocks - first.size()));
    size_t room = max_blocks - first.size() - pinned.size();
    if (recent.size() > room) {
        std::nth_element(recent.begin(), recent.begin() + (std::ptrdiff_t)room, recent.end(),
                         [&](uint32_t a, uint32_t b) { return last_use_[a] > last_use_[b]; });
        recent.resize(room);
    }
    std::vector<uint32_t> rest = std::move(pinned);
    rest.insert(rest.end(), recent.begin(), recent.end());
    std::sort(rest.begin(), rest.end());
    if (!marked) {   // no start to go by: all of it is read first
        first.insert(first.end(), rest.begin(), rest.end());
        std::sort(first.begin(), first.end());
        rest.clear();
    }
    if (start_count) *start_count = first.size();
    first.insert(first.end(), rest.begin(), rest.end());
    return first;
}

int PageFile::read(void* buf, int amount, int64_t offset) {
    uint8_t* out = (uint8_t*)buf;
    int64_t avail = std::max<int64_t>(0, std::min<int64_t>(amount, (int64_t)size_ - offset));
    // A miss answers before copying anything: SQLite drops the page.
    bool missed = false;
    for (int64_t pos = offset; pos < offset + avail; pos = (pos / kBlockSize + 1) * kBlockSize) {
        uint32_t b = (uint32_t)(pos / kBlockSize);
        if (absent(b)) {
            missed = true;
            if (!(flags_[b] & kWanted)) {
                flags_[b] |= kWanted;
                wanted_.push_back(b);
            }
        } else if (b < last_use_.size()) {
            last_use_[b] = ++tick_;
        }
    }
    if (missed) {
        misses_++;
        g_page_missed = true;
        return SQLITE_BUSY;
    }
    int64_t done = 0;
    while (done < avail) {
        uint64_t pos = (uint64_t)(offset + done);
        uint32_t b = (uint32_t)(pos / kBlockSize), within = (uint32_t)(pos % kBlockSize);
        int64_t n = std::min<int64_t>(avail - done, kBlockSize - within);
        if (b < blocks_.size() && blocks_[b]) memcpy(out + done, blocks_[b].get() + within, (size_t)n);
        else memset(out + done, 0, (size_t)n);
        done += n;
    }
    if (avail < amount) {
        // SQLite requires the unread tail zero-filled on a short read.
        memset(out + avail, 0, (size_t)(amount - avail));
        return SQLITE_IOERR_SHORT_READ;
    }
    return SQLITE_OK;
}

int PageFile::write(const void* buf, int amount, int64_t offset) {
    const uint8_t* in = (const uint8_t*)buf;
    // Part of a block not here cannot be written (the rest is unknown): a miss.
    for (int64_t pos = offset; pos < offset + amount; pos = (pos / kBlockSize + 1) * kBlockSize) {
        uint32_t b = (uint32_t)(pos / kBlockSize);
        bool whole = pos % kBlockSize == 0 && offset + amount - pos >= kBlockSize;
        if (absent(b) && !whole) {
            if (!(flags_[b] & kWanted)) {
                flags_[b] |= kWanted;
                wanted_.push_back(b);
            }
            misses_++;
            g_page_missed = true;
            return SQLITE_BUSY;
        }
    }
    int64_t done = 0;
    while (done < amount) {
        uint64_t pos = (uint64_t)(offset + done);
        uint32_t b = (uint32_t)(pos / kBlockSize), within = (uint32_t)(pos % kBlockSize);
        int64_t n = std::min<int64_t>(amount - done, kBlockSize - within);
        memcpy(load_block(b) + within, in + done, (size_t)n);
        if (b < last_use_.size()) last_use_[b] = ++tick_;
        if (dirty_flag_.size() <= b) dirty_flag_.resize((size_t)b + 1);
        if (!dirty_flag_[b]) {
            dirty_flag_[b] = true;
            dirty_.push_back(b);
        }
        done += n;
    }
    size_ = std::max<uint64_t>(size_, (uint64_t)(offset + amount));
    return SQLITE_OK;
}

void PageFile::truncate(int64_t size) {
    uint64_t nblocks = ((uint64_t)size + kBlockSize - 1) / kBlockSize;
    for (size_t b = nblocks; b < blocks_.size(); b++)
        if (blocks_[b]) resident_--;
    if (blocks_.size() > nblocks) blocks_.resize((size_t)nblocks);
    for (size_t b = nblocks; b < flags_.size(); b++)
        if (flags_[b] & kAbsent) absent_count_--;
    if (flags_.size() > nblocks) {
        flags_.resize((size_t)nblocks);
        last_use_.resize((size_t)nblocks);
        stored_in_.resize((size_t)nblocks);
    }
    size_ = (uint64_t)size;
}

//-----------------------------------------------------------------------------
// PageFile: persistence
//-----------------------------------------------------------------------------

void PageFile::commit() {
    commits_++;
    for (uint32_t b : dirty_) {
        pending_[b] = true;
        dirty_flag_[b] = false;
    }
    dirty_.clear();
    if (store_ && !in_flight_ && !pending_.empty()) start_batch();
}

bool PageFile::retry() {
    if (!store_ || in_flight_ || pending_.empty() || !dirty_.empty()) return false;
    start_batch();
    return true;
}

void PageFile::start_batch() {
    uint64_t nblocks = (size_ + kBlockSize - 1) / kBlockSize;
    PageBatch batch;
    batch.file_size = size_;
    for (auto& [b, unused] : pending_) {
        if (b >= nblocks) continue;   // truncated away: the store drops blocks past the size
        batch.blocks.push_back(b);
        batch.data.push_back(load_block(b));
    }
    pending_.clear();
    batches_started_++;
    for (uint32_t b : batch.blocks)
        if (b < stored_in_.size()) stored_in_[b] = batches_started_;
    in_flight_blocks_ = batch.blocks;
    in_flight_ = true;
    state_ = SaveState::Saving;
    last_batch_blocks_ = (uint32_t)batch.blocks.size();
    last_batch_bytes_ = batch.bytes();
    store_->write(batch);   // may call batch_done before returning
}

void PageFile::batch_done(bool ok, const std::string& error) {
    if (!in_flight_) return;
    in_flight_ = false;
    if (!ok) {
        // Keep every block of the failed batch for the retry; newer commits
        // may have touched them too, which is fine: a retry sends the latest.
        for (uint32_t b : in_flight_blocks_) pending_[b] = true;
        in_flight_blocks_.clear();
        state_ = SaveState::Failed;
        error_ = error.empty() ? "the save failed" : error;
        return;
    }
    in_flight_blocks_.clear();
    batches_ok_++;
    error_.clear();
    if (!pending_.empty() && dirty_.empty() && store_) {
        start_batch();
        return;
    }
    state_ = pending_.empty() ? SaveState::Saved : SaveState::Saving;
}

//-----------------------------------------------------------------------------
// The registry of files
//-----------------------------------------------------------------------------

namespace {

std::map<std::string, std::unique_ptr<PageFile>>& files() {
    static std::map<std::string, std::unique_ptr<PageFile>> f;
    return f;
}

}  // namespace

bool pages_may_miss() {
    for (auto& [name, f] : files())
        if (f->absent_blocks()) return true;
    return false;
}

namespace {

// An open handle: SQLite's sqlite3_file followed by our pointer.
struct Handle {
    sqlite3_file base;
    PageFile* file;
    bool delete_on_close;
};

//-----------------------------------------------------------------------------
// sqlite3_io_methods
//-----------------------------------------------------------------------------

int x_close(sqlite3_file* f) {
    Handle* h = (Handle*)f;
    h->file->open_handles--;
    if (h->delete_on_close && h->file->open_handles == 0) files().erase(h->file->name());
    return SQLITE_OK;
}
int x_read(sqlite3_file* f, void* buf, int amount, sqlite3_int64 offset) { return ((Handle*)f)->file->read(buf, amount, offset); }
int x_write(sqlite3_file* f, const void* buf, int amount, sqlite3_int64 offset) {
    return ((Handle*)f)->file->write(buf, amount, offset);
}
int x_truncate(sqlite3_file* f, sqlite3_int64 size) {
    ((Handle*)f)->file->truncate(size);
    return SQLITE_OK;
}
int x_sync(sqlite3_file*, int) { return SQLITE_OK; }
int x_file_size(sqlite3_file* f, sqlite3_int64* size) {
    *size = (sqlite3_int64)((Handle*)f)->file->size();
    return SQLITE_OK;
}
// One connection per file in this app (a second tab is kept out by a Web
// Lock, above SQLite), so locks need not be tracked.
int x_lock(sqlite3_file*, int) { return SQLITE_OK; }
int x_unlock(sqlite3_file*, int) { return SQLITE_OK; }
int x_check_reserved_lock(sqlite3_file*, int* out) {
    *out = 0;
    return SQLITE_OK;
}
int x_file_control(sqlite3_file* f, int op, void*) {
    if (op == SQLITE_FCNTL_COMMIT_PHASETWO) {
        ((Handle*)f)->file->commit();
        return SQLITE_OK;
    }
    return SQLITE_NOTFOUND;
}
int x_sector_size(sqlite3_file*) { return 512; }
int x_device_characteristics(sqlite3_file*) { return 0; }

const sqlite3_io_methods kIoMethods = {
    1, x_close, x_read, x_write, x_truncate, x_sync, x_file_size, x_lock, x_unlock, x_check_reserved_lock,
    x_file_control, x_sector_size, x_device_characteristics,
    nullptr, nullptr, nullptr, nullptr, nullptr, nullptr,
};

//-----------------------------------------------------------------------------
// sqlite3_vfs
//-----------------------------------------------------------------------------

sqlite3_vfs* base_vfs() { return sqlite3_vfs_find(nullptr); }

int v_open(sqlite3_vfs*, const char* name, sqlite3_file* f, int flags, int* out_flags) {
    static uint64_t anonymous = 0;
    Handle* h = (Handle*)f;
    std::string key = name ? std::string(name) : "temp-" + std::to_string(++anonymous);
    auto it = files().find(key);
    if (it == files().end()) {
        if (!(flags & SQLITE_OPEN_CREATE)) return SQLITE_CANTOPEN;
        it = files().emplace(key, std::make_unique<PageFile>(key)).first;
    }
    h->file = it->second.get();
    h->file->open_handles++;
    h->delete_on_close = (flags & SQLITE_OPEN_DELETEONCLOSE) != 0 || !name;
    h->base.pMethods = &kIoMethods;
    if (out_flags) *out_flags = flags;
    return SQLITE_OK;
}
int v_delete(sqlite3_vfs*, const char* name, int) {
    auto it = files().find(name);
    if (it != files().end() && it->second->open_handles == 0) files().erase(it);
    return SQLITE_OK;
}
int v_access(sqlite3_vfs*, const char* name, int, int* out) {
    auto it = files().find(name);
    *out = it != files().end() && it->second->size() > 0;
    return SQLITE_OK;
}
int v_full_pathname(sqlite3_vfs*, const char* name, int n, char* out) {
    sqlite3_snprintf(n, out, "%s", name);
    return SQLITE_OK;
}
int v_randomness(sqlite3_vfs*, int n, char* out) { return base_vfs()->xRandomness(base_vfs(), n, out); }
int v_sleep(sqlite3_vfs*, int us) { return base_vfs()->xSleep(base_vfs(), us); }
int v_current_time(sqlite3_vfs*, double* out) { return base_vfs()->xCurrentTime(base_vfs(), out); }
int v_get_last_error(sqlite3_vfs*, int, char*) { return 0; }
int v_current_time_int64(sqlite3_vfs*, sqlite3_int64* out) {
    sqlite3_vfs* b = base_vfs();
    if (b->iVersion >= 2 && b->xCurrentTimeInt64) return b->xCurrentTimeInt64(b, out);
    double d;
    int rc = b->xCurrentTime(b, &d);
    *out = (sqlite3_int64)(d * 86400000.0);
    return rc;
}

void register_vfs() {
    static sqlite3_vfs vfs = {
        2, (int)sizeof(Handle), 512, nullptr, kPageVfsName, nullptr,
        v_open, v_delete, v_access, v_full_pathname, nullptr, nullptr, nullptr, nullptr,
        v_randomness, v_sleep, v_current_time, v_get_last_error, v_current_time_int64,
        nullptr, nullptr, nullptr,
    };
    static bool done = false;
    if (!done) {
        sqlite3_vfs_register(&vfs, 0);
        done = true;
    }
}

}  // namespace

PageFile& page_file(const std::string& name) {
    register_vfs();
    auto& f = files()[name];
    if (!f) f = std::make_unique<PageFile>(name);
    return *f;
}

void drop_page_file(const std::string& name) {
    auto it = files().find(name);
    if (it != files().end() && it->second->open_handles == 0) files().erase(it);
}

}  // namespace crm
