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
    int read(void* buf, int amount, int64_t offset) const;   // SQLite status
    void write(const void* buf, int amount, int64_t offset);
    void truncate(int64_t size);
    void commit();   // a transaction committed: what it wrote becomes pending
    int open_handles = 0;

private:
    void start_batch();

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
    uint32_t last_batch_blocks_ = 0;
};

// Registers the VFS with SQLite (once) and returns the file of that name,
// creating it empty. Open it with OpenOptions::vfs = kPageVfsName.
PageFile& page_file(const std::string& name);
// Forgets a file (must not be open).
void drop_page_file(const std::string& name);

}  // namespace crm
