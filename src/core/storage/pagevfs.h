// pagevfs.h - a SQLite VFS that keeps each database file in memory as an
// array of fixed-size blocks and persists, at every commit, only the blocks
// that commit changed.
//
// The browser has no synchronous file system that survives a reload, so the
// database lives in wasm memory and IndexedDB holds a copy of its blocks.
// At each commit (SQLITE_FCNTL_COMMIT_PHASETWO) the blocks written since the
// previous commit join the file's pending set; when no batch is in flight,
// the pending set is handed to the PageStore as one batch, with the file
// size, which the store must write atomically (one IndexedDB transaction).
// The stored copy is therefore always the state after some commit, never a
// mix, and a save costs what the commit changed, not the size of the file.
//
// A batch that fails (quota, an IndexedDB error) puts its blocks back in the
// pending set: the in-memory data is kept, the state says "failed" with the
// error, and retry() sends everything pending again. Batches start only at a
// commit boundary (no uncommitted block in memory), so every batch is a
// consistent commit even when it merges several.
//
// The store is an interface so the native tests run this same VFS over an
// in-memory store that fails writes and "crashes" mid-batch, as SQLite's own
// test_vfs.c injects faults. Shape and comments follow SQLite's os_kv.c.
//
// Demand paging. A large database is not read whole before it opens: the
// file starts lazy (open_lazy: its size known, no block in memory), the
// platform provides blocks as they arrive (a small "hot" set first, the rest
// in the background), and a read of a block not yet here is a miss: xRead
// records the block and answers SQLITE_BUSY, and the Database layer turns the
// failed statement into a PageMiss exception. BUSY rather than an I/O error
// because SQLite treats it gently: a read statement just ends, a write
// statement is undone to its statement savepoint (the Transaction object
// then rolls back the rest), other statements are not aborted and the pager
// keeps working (a failed read is dropped from its cache, nothing else).
// The caller shows what it had and runs the statement again once the
// blocks came (take_wanted() says which). Clean blocks beyond a memory limit
// are dropped least recently used first and fetched again if needed; page 1
// and b-tree interior pages stay (they are ~1 % of a file and every lookup
// passes through them), and so does every block not yet stored.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace crm {

constexpr uint32_t kBlockSize = 4096;   // = the database page size we create
extern const char* const kPageVfsName;  // "crmpages"

// One batch: block indexes (0-based: block i holds bytes [i*4096, (i+1)*4096))
// with their contents, and the file size after the commit.
struct PageBatch {
    std::vector<uint32_t> blocks;
    std::vector<const uint8_t*> data;   // valid until the next write to the file
    uint64_t file_size = 0;
    uint64_t bytes() const { return (uint64_t)blocks.size() * kBlockSize; }
};

// Where the blocks go. write() must copy what it needs before returning and
// later (or at once) call PageFile::batch_done exactly once.
struct PageStore {
    virtual ~PageStore() = default;
    virtual void write(const PageBatch& batch) = 0;
};

enum class SaveState { Saved, Saving, Failed };

class PageFile {
public:
    explicit PageFile(std::string name) : name_(std::move(name)) {}
    const std::string& name() const { return name_; }

    //-- Loading (before SQLite opens the file)
    // The block at index i, allocated (zero-filled) if missing; the caller fills it.
    uint8_t* load_block(uint32_t i);
    void set_size(uint64_t size);
    uint64_t size() const { return size_; }

    //-- Demand paging (see the header comment)
    // The stored file has `size` bytes and only its first block is in memory.
    // Block 0 must be given: SQLite reads page 1 while taking its lock, where
    // a BUSY would send it to the busy handler (a sleep) instead of back to us.
    void open_lazy(uint64_t size, const uint8_t* block0);
    bool absent(uint32_t i) const { return i < flags_.size() && (flags_[i] & kAbsent); }
    // A block read from the store. Ignored unless absent (memory is as new or
    // newer). `wanted` (a miss asked for it) counts as just used; a prefetched
    // block is the first to go when memory is short. `token` is fetch_token()
    // when the store's read began: a block saved by a later batch may have
    // been dropped since, and this older copy must not come back in its place
    // (kReadNow: read after everything handed to the store).
    static constexpr uint32_t kReadNow = ~0u;
    void provide(uint32_t i, const uint8_t* data, bool wanted, uint32_t token = kReadNow);
    uint32_t fetch_token() const { return batches_started_; }
    // The blocks reads missed since the last call, each once, in miss order.
    std::vector<uint32_t> take_wanted();
    // The absent siblings that follow each of these blocks under its b-tree
    // parent (when the parent is here), at most `per_block` each: a scan that
    // missed one leaf reads the next ones, so they are fetched with it; a
    // lookup that missed costs a few blocks more, not the parent's hundreds.
    std::vector<uint32_t> siblings(const std::vector<uint32_t>& blocks, size_t per_block) const;
    uint32_t absent_blocks() const { return absent_count_; }
    int64_t next_absent(uint32_t from) const;   // the first absent block at or after `from`, or -1
    // Nothing written that is not stored yet: the blocks in memory are the stored ones.
    bool quiet() const { return dirty_.empty() && pending_.empty() && !in_flight_; }
    uint64_t misses() const { return misses_; }
    // Bytes of clean blocks kept in memory (0: no limit, the default), and
    // dropping the least recently used beyond it. A statement that missed
    // runs again from its start and must find there the blocks its earlier
    // runs read: trim() between statements, or trim(t) after statements
    // that resume where they stopped (a scan by rowid ranges) keeping every
    // block read since use_tick() was t, whatever the limit.
    void set_memory_limit(uint64_t bytes);
    uint64_t memory_limit() const { return limit_blocks_ * kBlockSize; }
    void trim(uint64_t keep_used_since = ~0ull);
    uint64_t use_tick() const { return tick_; }
    uint64_t resident_bytes() const { return (uint64_t)resident_ * kBlockSize; }
    uint64_t evictions() const { return evictions_; }
    uint32_t pinned_blocks() const;   // page 1 and interior pages in memory (kept whatever the limit)
    // The blocks read so far are what a start needs (call when the first
    // screen shows its data): the next hot set holds them.
    void mark_start();
    // What the next start should read first, at most `max_blocks`, in two
    // parts: page 1 and the blocks the start read (mark_start), which the
    // next start reads before it opens; then the other b-tree interior pages
    // here and the most recently read, which it reads once its first screen
    // shows. `start_count` gets the first part's size; when no start was
    // marked, all of it is the first part. Each part is in block order.
    std::vector<uint32_t> hot_blocks(size_t max_blocks, size_t* start_count = nullptr) const;
    const uint8_t* block(uint32_t i) const { return i < blocks_.size() ? blocks_[i].get() : nullptr; }

    //-- Persistence
    void attach(PageStore* store) { store_ = store; }
    void batch_done(bool ok, const std::string& error = {});
    // Sends what is pending if nothing is in flight and no commit is half-way. True if a batch started.
    bool retry();
    SaveState state() const { return state_; }
    const std::string& error() const { return error_; }
    size_t pending_blocks() const { return pending_.size(); }
    bool in_flight() const { return in_flight_; }
    // Figures of the last batch handed to the store.
    uint64_t last_batch_bytes() const { return last_batch_bytes_; }
    uint32_t last_batch_blocks() const { return last_batch_blocks_; }
    uint64_t batches_written() const { return batches_ok_; }

    //-- Used by the VFS
    int read(void* buf, int amount, int64_t offset);   // SQLite status
    int write(const void* buf, int amount, int64_t offset);
    void truncate(int64_t size);
    void commit();   // a transaction committed: what it wrote becomes pending
    uint64_t commits() const { return commits_; }
    int open_handles = 0;

private:
    enum : uint8_t { kAbsent = 1, kWanted = 2 };
    void start_batch();
    uint8_t* alloc_block(uint32_t i);

    std::string name_;
    std::vector<std::unique_ptr<uint8_t[]>> blocks_;
    uint64_t size_ = 0;
    std::vector<uint32_t> dirty_;        // written since the last commit (may repeat)
    std::vector<bool> dirty_flag_;
    std::map<uint32_t, bool> pending_;   // committed, not yet stored
    std::vector<uint32_t> in_flight_blocks_;
    bool in_flight_ = false;
    PageStore* store_ = nullptr;
    SaveState state_ = SaveState::Saved;
    std::string error_;
    uint64_t last_batch_bytes_ = 0, batches_ok_ = 0;
    uint32_t last_batch_blocks_ = 0, batches_started_ = 0;
    // Demand paging: per block flags and last use (0: never read), counters.
    std::vector<uint8_t> flags_;
    std::vector<uint64_t> last_use_;   // 64-bit: a tab open for weeks reads more than 2^32 blocks
    std::vector<uint32_t> wanted_;
    std::vector<uint32_t> parent_of_;
    std::vector<uint32_t> stored_in_;      // the batch (1-based count) that last stored each block
    std::vector<uint32_t> start_blocks_;   // 1 + the block of a block's parent page, 0 unknown
    uint64_t tick_ = 0;
    uint32_t absent_count_ = 0;
    bool lazy_ = false;
    uint64_t resident_ = 0, limit_blocks_ = 0, misses_ = 0, evictions_ = 0, commits_ = 0;
};

// A read missed a block (some file opened lazily): true once per miss, then
// false until the next. Database turns the error it caused into PageMiss.
bool take_page_miss();
// Some file has blocks not in memory: a read may miss. Work that must be
// restartable row by row (an import's savepoint per row) pays for it only then.
bool pages_may_miss();

// Registers the VFS with SQLite (once) and returns the file of that name,
// creating it empty. Open it with OpenOptions::vfs = kPageVfsName.
PageFile& page_file(const std::string& name);
// Forgets a file (must not be open).
void drop_page_file(const std::string& name);

}  // namespace crm
