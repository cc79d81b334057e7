// The on-disk kernel cache: compiled objects kept between runs, so that compiling
// the same kernel again (same program, name, options, gradc, LLVM and CPU) loads
// the first result instead of running LLVM. No LLVM type appears here.
//
// An entry is the object file `<key>.o` followed by a trailer (a digest of key and
// object, its size, a magic number): a torn or corrupted entry is a miss, never a
// wrong kernel. Entries are written to a temporary file and renamed, so concurrent
// gradc processes are safe. Every failure of the cache (no directory, a full disk,
// permissions) is silent: the caller compiles as if there were no cache.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "compiler/lower/kernel_program.hpp"

namespace llvm {
class TargetMachine;
}

namespace gradc {

// Changes whenever the key's serialisation or the entry format changes.
inline constexpr uint32_t kKernelCacheFormat = 1;

// A 256-bit BLAKE3 digest as 64 lowercase hexadecimal digits.
struct KernelCacheKey {
  std::string hex;
  friend bool operator==(const KernelCacheKey&, const KernelCacheKey&) = default;
};

// BLAKE3 of a complete serialisation of the program (every field the IR emitter
// reads, each variable-size part length-prefixed), as 64 hex digits. The JIT also
// names its symbols after it.
std::string programFingerprint(const KernelProgram& program);

// Everything besides the program, name and -O level that decides the machine code:
// gradc's and LLVM's versions, the identity (inode, size, modification time) of the
// files holding gradc's code generator and LLVM, so that a rebuilt gradc never
// reuses an old entry, and the target: triple, CPU, features, relocation and code
// model, floating-point options. nullopt when those files cannot be identified:
// then nothing may be cached.
std::optional<std::string> machineCodeSignature(const llvm::TargetMachine& machine);

// The key of the object for `name` (its symbols are NAME and NAME_batch) at -O`optLevel`.
KernelCacheKey kernelCacheKey(std::string_view programFingerprint, std::string_view name, int optLevel,
                              std::string_view signature);

class KernelCache {
 public:
  // After a store, the least recently used entries are deleted until the directory
  // holds at most this many bytes of entries.
  static constexpr uint64_t kDefaultLimitBytes = uint64_t{512} << 20;

  // $GRADC_CACHE_DIR, else $XDG_CACHE_HOME/gradc, else $HOME/.cache/gradc (empty
  // variables count as unset; XDG_CACHE_HOME only when absolute). nullopt: none.
  static std::optional<std::filesystem::path> defaultDirectory();

  explicit KernelCache(std::filesystem::path directory, uint64_t limitBytes = kDefaultLimitBytes)
      : directory_(std::move(directory)), limitBytes_(limitBytes) {}

  const std::filesystem::path& directory() const { return directory_; }
  std::filesystem::path entryPath(const KernelCacheKey& key) const { return directory_ / (key.hex + ".o"); }

  // The object stored under `key`; nullopt when there is none, it cannot be read, or
  // it is damaged. A hit marks the entry as recently used.
  std::optional<std::string> load(const KernelCacheKey& key) const;

  // Stores the object under `key`, replacing any entry, then keeps the directory
  // within its limit. Creates the directory. Returns false (and changes nothing
  // visible) if that fails.
  bool store(const KernelCacheKey& key, std::string_view object) const;

 private:
  void evictBeyondLimit(const std::filesystem::path& keep) const;

  std::filesystem::path directory_;
  uint64_t limitBytes_;
};

// With GRADC_CACHE_DEBUG set (to anything but 0), writes "gradc: kernel cache: MESSAGE"
// to standard error: what the cache did, for people and for tests.
void kernelCacheNote(const std::string& message);

}  // namespace gradc
