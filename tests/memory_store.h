// memory_store.h - the tests' stand-in for IndexedDB under the page VFS:
// blocks kept in a map, batches applied atomically, failed, or left hanging
// as a page closed mid-transaction would. Used by test_pagevfs.cpp and
// test_demand_paging.cpp.
#pragma once

#include <cstring>
#include <map>
#include <vector>

#include "storage/db.h"
#include "storage/pagevfs.h"

namespace crm::testing {

inline OpenOptions page_vfs_options() {
    OpenOptions o;
    o.vfs = kPageVfsName;
    o.journal_mode = "MEMORY";
    return o;
}

// Stands in for IndexedDB: applies a batch atomically, or fails it, or
// leaves it hanging as a page closed mid-transaction would.
struct MemoryStore : PageStore {
    enum Mode { Ok, Fail, Hang } mode = Ok;
    std::map<uint32_t, std::vector<uint8_t>> durable;
    uint64_t size = 0;
    int writes = 0;
    PageFile* file = nullptr;
    std::vector<std::pair<uint32_t, std::vector<uint8_t>>> hung;
    uint64_t hung_size = 0;

    void write(const PageBatch& b) override {
        writes++;
        if (mode == Fail) {
            file->batch_done(false, "QuotaExceededError: the quota has been exceeded");
            return;
        }
        std::vector<std::pair<uint32_t, std::vector<uint8_t>>> copy;
        for (size_t i = 0; i < b.blocks.size(); i++) copy.push_back({b.blocks[i], std::vector<uint8_t>(b.data[i], b.data[i] + kBlockSize)});
        if (mode == Hang) {
            hung = std::move(copy);
            hung_size = b.file_size;
            return;
        }
        apply(copy, b.file_size);
        file->batch_done(true);
    }
    void apply(std::vector<std::pair<uint32_t, std::vector<uint8_t>>>& blocks, uint64_t new_size) {
        for (auto& [i, data] : blocks) durable[i] = std::move(data);
        size = new_size;
        uint64_t n = (size + kBlockSize - 1) / kBlockSize;
        for (auto it = durable.begin(); it != durable.end();) it = it->first >= n ? durable.erase(it) : std::next(it);
    }
    // The hung batch completes after all.
    void finish_hung() {
        mode = Ok;
        apply(hung, hung_size);
        hung.clear();
        file->batch_done(true);
    }
    // What a reload finds: a fresh file filled from the stored blocks only.
    std::string restore(const std::string& name) const {
        drop_page_file(name);
        PageFile& f = page_file(name);
        for (auto& [i, data] : durable) memcpy(f.load_block(i), data.data(), kBlockSize);
        f.set_size(size);
        return name;
    }
};

// A database on the page VFS, persisted into a MemoryStore.
struct PagedDb {
    MemoryStore ms;
    PageFile& file;
    Database db;
    explicit PagedDb(const std::string& name) : file((drop_page_file(name), page_file(name))) {
        ms.file = &file;
        file.attach(&ms);
        db.open(name, page_vfs_options());
    }
};

}  // namespace crm::testing
