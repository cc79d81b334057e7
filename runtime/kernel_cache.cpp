#include "runtime/kernel_cache.hpp"

#include <fcntl.h>
#include <llvm-c/Core.h>
#include <llvm/Config/llvm-config.h>
#include <llvm/Support/BLAKE3.h>
#include <llvm/Target/TargetMachine.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <vector>

#include "runtime/llvm/ir_emitter.hpp"

#ifndef GRADC_VERSION
#error "GRADC_VERSION must be defined (CMakeLists.txt sets it for this file)"
#endif

namespace gradc {
namespace {

namespace fs = std::filesystem;

using Digest = llvm::BLAKE3Result<32>;

std::string hexOf(const Digest& digest) {
  static const char kDigits[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(2 * digest.size());
  for (uint8_t byte : digest) {
    hex += kDigits[byte >> 4];
    hex += kDigits[byte & 15];
  }
  return hex;
}

// Feeds BLAKE3 with fixed-width little-endian numbers and length-prefixed text, so
// that no two different sequences of fields give the same bytes. Buffered: a large
// kernel has hundreds of thousands of small fields.
class Serializer {
 public:
  void u8(uint8_t v) { put(&v, 1); }
  void u32(uint32_t v) {
    uint8_t bytes[4];
    for (int i = 0; i < 4; ++i) bytes[i] = static_cast<uint8_t>(v >> (8 * i));
    put(bytes, 4);
  }
  void u64(uint64_t v) {
    uint8_t bytes[8];
    for (int i = 0; i < 8; ++i) bytes[i] = static_cast<uint8_t>(v >> (8 * i));
    put(bytes, 8);
  }
  void text(std::string_view s) {
    u64(s.size());
    put(s.data(), s.size());
  }
  void texts(const std::vector<std::string>& list) {
    u64(list.size());
    for (const std::string& s : list) text(s);
  }
  Digest finish() {
    flush();
    return hasher_.final();
  }

 private:
  void put(const void* data, size_t size) {
    const auto* bytes = static_cast<const uint8_t*>(data);
    if (used_ + size > buffer_.size()) flush();
    if (size > buffer_.size()) {
      hasher_.update(llvm::ArrayRef<uint8_t>(bytes, size));
      return;
    }
    std::memcpy(buffer_.data() + used_, bytes, size);
    used_ += size;
  }
  void flush() {
    hasher_.update(llvm::ArrayRef<uint8_t>(buffer_.data(), used_));
    used_ = 0;
  }

  llvm::BLAKE3 hasher_;
  std::array<uint8_t, 16384> buffer_{};
  size_t used_ = 0;
};

// The file that holds the code at `address`, identified by inode, size and
// modification time: a rebuilt or reinstalled gradc or LLVM is a different file.
// Found in /proc/self/maps, which gives the absolute path of the mapped file.
std::optional<std::string> identityOfFileHolding(uintptr_t address) {
  std::ifstream maps("/proc/self/maps");
  std::string line;
  while (std::getline(maps, line)) {
    unsigned long long begin = 0, end = 0, offset = 0, inode = 0;
    unsigned devMajor = 0, devMinor = 0;
    char permissions[5] = {};
    int pathAt = 0;
    if (std::sscanf(line.c_str(), "%llx-%llx %4s %llx %x:%x %llu %n", &begin, &end, permissions, &offset,
                    &devMajor, &devMinor, &inode, &pathAt) < 7)
      continue;
    if (address < begin || address >= end) continue;
    std::string path = pathAt > 0 ? line.substr(static_cast<size_t>(pathAt)) : "";
    // A file replaced since it was mapped: the path now names other code.
    if (path.empty() || path[0] != '/' || path.ends_with(" (deleted)")) return std::nullopt;
    struct stat status {};
    if (::stat(path.c_str(), &status) != 0) return std::nullopt;
    // On overlay file systems the mapping shows the underlying device; compare
    // inodes only when the devices agree.
    bool sameDevice = major(status.st_dev) == devMajor && minor(status.st_dev) == devMinor;
    if (sameDevice && status.st_ino != inode) return std::nullopt;
    return path + " inode " + std::to_string(status.st_ino) + " size " + std::to_string(status.st_size) +
           " mtime " + std::to_string(status.st_mtim.tv_sec) + "." + std::to_string(status.st_mtim.tv_nsec);
  }
  return std::nullopt;
}

// The trailer after the object in an entry: BLAKE3(key, object), the object's size
// (little-endian), the magic number.
constexpr size_t kDigestSize = 32;
constexpr char kMagic[8] = {'g', 'r', 'a', 'd', 'c', 'K', 'C', static_cast<char>('0' + kKernelCacheFormat)};
constexpr size_t kTrailerSize = kDigestSize + 8 + sizeof kMagic;

Digest entryDigest(const KernelCacheKey& key, std::string_view object) {
  Serializer s;
  s.text("gradc kernel cache entry");
  s.text(key.hex);
  s.text(object);
  return s.finish();
}

std::string trailerFor(const KernelCacheKey& key, std::string_view object) {
  Digest digest = entryDigest(key, object);
  std::string trailer(digest.begin(), digest.end());
  for (int i = 0; i < 8; ++i) trailer += static_cast<char>(static_cast<uint64_t>(object.size()) >> (8 * i));
  trailer.append(kMagic, sizeof kMagic);
  return trailer;
}

bool isEntryName(const std::string& name) {
  return name.size() == 64 + 2 && name.ends_with(".o") &&
         std::all_of(name.begin(), name.end() - 2,
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

constexpr std::string_view kTemporaryPrefix = ".tmp-";

bool writeAll(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t written = ::write(fd, bytes.data(), bytes.size());
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) return false;
    bytes.remove_prefix(static_cast<size_t>(written));
  }
  return true;
}

}  // namespace

std::string programFingerprint(const KernelProgram& program) {
  Serializer s;
  s.text("gradc kernel program");
  s.u32(kKernelCacheFormat);
  s.texts(program.inputNames);
  s.texts(program.paramNames);
  s.texts(program.outputNames);
  s.u64(program.code.size());
  for (const KernelInstruction& ins : program.code) {
    s.text(opName(ins.op));  // by name: independent of the order of ops.def
    s.u8(static_cast<uint8_t>(ins.source));
    s.u32(ins.index);
    s.u64(std::bit_cast<uint64_t>(ins.constant));  // every bit: -0, NaN payloads
    s.u8(ins.boolean ? 1 : 0);
    s.u32(ins.firstArg);
    s.u32(ins.argCount);
    s.u8(ins.width);
    s.u8(ins.lane);
    s.u8(ins.softmaxWeight);
  }
  s.u64(program.operands.size());
  for (uint32_t operand : program.operands) s.u32(operand);
  s.u64(program.outputs.size());
  for (uint32_t output : program.outputs) s.u32(output);
  s.u64(program.loops.size());
  for (const KernelLoop& loop : program.loops) {
    s.u32(loop.iterations);
    s.text(programFingerprint(loop.body));
  }
  return hexOf(s.finish());
}

std::optional<std::string> machineCodeSignature(const llvm::TargetMachine& machine) {
  // Computed once: the files do not change under a running process (and if one is
  // replaced, /proc/self/maps says "(deleted)" from then on).
  static const std::optional<std::string> files = []() -> std::optional<std::string> {
    auto gradcCode = identityOfFileHolding(reinterpret_cast<uintptr_t>(&runtime::emitKernelModule));
    auto llvmCode = identityOfFileHolding(reinterpret_cast<uintptr_t>(&LLVMGetVersion));
    if (!gradcCode || !llvmCode) return std::nullopt;
    return "gradc code: " + *gradcCode + "\nLLVM code: " + *llvmCode + "\n";
  }();
  if (!files) return std::nullopt;
  unsigned versionMajor = 0, versionMinor = 0, versionPatch = 0;
  LLVMGetVersion(&versionMajor, &versionMinor, &versionPatch);  // the library in use, not the headers'
  const llvm::TargetOptions& options = machine.Options;
  std::string signature = "gradc " GRADC_VERSION "\nLLVM headers " LLVM_VERSION_STRING "\nLLVM library " +
                          std::to_string(versionMajor) + "." + std::to_string(versionMinor) + "." +
                          std::to_string(versionPatch) + "\n" + *files;
  signature += "triple " + machine.getTargetTriple().str() + "\n";
  signature += "cpu " + machine.getTargetCPU().str() + "\n";
  signature += "features " + machine.getTargetFeatureString().str() + "\n";
  signature += "relocation " + std::to_string(static_cast<int>(machine.getRelocationModel())) + "\n";
  signature += "code model " + std::to_string(static_cast<int>(machine.getCodeModel())) + "\n";
  signature += "fp " + std::to_string(static_cast<int>(options.AllowFPOpFusion)) +
               std::to_string(options.UnsafeFPMath) + std::to_string(options.NoInfsFPMath) +
               std::to_string(options.NoNaNsFPMath) + std::to_string(options.NoSignedZerosFPMath) +
               std::to_string(options.ApproxFuncFPMath) +
               std::to_string(static_cast<int>(options.FloatABIType)) + "\n";
  return signature;
}

KernelCacheKey kernelCacheKey(std::string_view programFingerprint, std::string_view name, int optLevel,
                              std::string_view signature) {
  Serializer s;
  s.text("gradc kernel cache key");
  s.u32(kKernelCacheFormat);
  s.text(signature);
  s.text(name);
  s.u32(static_cast<uint32_t>(optLevel));
  s.text(programFingerprint);
  return {hexOf(s.finish())};
}

std::optional<fs::path> KernelCache::defaultDirectory() {
  auto variable = [](const char* name) -> std::string {
    const char* value = std::getenv(name);
    return value ? value : "";
  };
  if (std::string dir = variable("GRADC_CACHE_DIR"); !dir.empty()) return fs::path(dir);
  // The XDG Base Directory specification: relative paths are invalid and ignored.
  if (std::string xdg = variable("XDG_CACHE_HOME"); !xdg.empty() && xdg[0] == '/')
    return fs::path(xdg) / "gradc";
  if (std::string home = variable("HOME"); !home.empty()) return fs::path(home) / ".cache" / "gradc";
  return std::nullopt;
}

std::optional<std::string> KernelCache::load(const KernelCacheKey& key) const {
  fs::path path = entryPath(key);
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    kernelCacheNote("miss " + path.string());
    return std::nullopt;
  }
  struct stat status {};
  std::string bytes;
  bool read = ::fstat(fd, &status) == 0 && S_ISREG(status.st_mode) &&
              static_cast<uint64_t>(status.st_size) >= kTrailerSize &&
              static_cast<uint64_t>(status.st_size) <= limitBytes_;
  if (read) {
    bytes.resize(static_cast<size_t>(status.st_size));
    size_t done = 0;
    while (done < bytes.size()) {
      ssize_t got = ::read(fd, bytes.data() + done, bytes.size() - done);
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0) break;
      done += static_cast<size_t>(got);
    }
    read = done == bytes.size();
  }
  ::close(fd);
  if (!read) {
    kernelCacheNote("unreadable entry " + path.string() + " (ignored)");
    return std::nullopt;
  }
  std::string_view object(bytes.data(), bytes.size() - kTrailerSize);
  if (std::string_view(bytes).substr(object.size()) != trailerFor(key, object)) {
    kernelCacheNote("damaged entry " + path.string() + " (ignored)");
    return std::nullopt;
  }
  ::utimensat(AT_FDCWD, path.c_str(), nullptr, 0);  // recently used: the last to be evicted
  kernelCacheNote("hit " + path.string());
  bytes.resize(object.size());
  return bytes;
}

bool KernelCache::store(const KernelCacheKey& key, std::string_view object) const {
  fs::path path = entryPath(key);
  auto failed = [&](const char* why) {
    kernelCacheNote("cannot store " + path.string() + ": " + why + ": " + std::strerror(errno));
    return false;
  };
  if (object.size() + kTrailerSize > limitBytes_) {
    kernelCacheNote("not storing " + path.string() + ": larger than the cache's limit");
    return false;
  }
  std::error_code ec;
  fs::create_directories(directory_, ec);
  if (ec) {
    errno = ec.value();
    return failed("cannot create the directory");
  }
  // Written in full under a temporary name, then renamed over the entry: readers
  // see the old entry or the new one, never a part.
  std::string temporary = (directory_ / (std::string(kTemporaryPrefix) + key.hex + "-XXXXXX")).string();
  int fd = ::mkostemp(temporary.data(), O_CLOEXEC);
  if (fd < 0) return failed("cannot create a file");
  bool written = writeAll(fd, object) && writeAll(fd, trailerFor(key, object));
  written = ::close(fd) == 0 && written;
  if (!written || ::rename(temporary.c_str(), path.c_str()) != 0) {
    int saved = errno;
    ::unlink(temporary.c_str());
    errno = saved;
    return failed("cannot write");
  }
  kernelCacheNote("stored " + path.string());
  evictBeyondLimit(path);
  return true;
}

// Deletes the least recently used entries until the directory holds at most
// limitBytes_ of them. Only gradc's own files are ever deleted: entries, and
// temporary files that a killed gradc left behind an hour or more ago.
void KernelCache::evictBeyondLimit(const fs::path& keep) const {
  struct Entry {
    fs::path path;
    fs::file_time_type used;
    uint64_t size;
  };
  std::vector<Entry> entries;
  uint64_t total = 0;
  std::error_code ec;
  auto now = fs::file_time_type::clock::now();
  for (fs::directory_iterator it(directory_, ec), end; !ec && it != end; it.increment(ec)) {
    std::string name = it->path().filename().string();
    std::error_code entryError;
    if (!it->is_regular_file(entryError)) continue;
    uint64_t size = it->file_size(entryError);
    fs::file_time_type used = it->last_write_time(entryError);
    if (entryError) continue;
    if (name.starts_with(kTemporaryPrefix)) {
      if (now - used > std::chrono::hours(1)) fs::remove(it->path(), entryError);
      continue;
    }
    if (!isEntryName(name)) continue;
    total += size;
    if (it->path() != keep) entries.push_back({it->path(), used, size});
  }
  if (total <= limitBytes_) return;
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) { return a.used < b.used; });
  size_t evicted = 0;
  for (const Entry& entry : entries) {
    if (total <= limitBytes_) break;
    std::error_code removeError;
    // Another gradc may have deleted it already: it is gone either way.
    fs::remove(entry.path, removeError);
    total -= entry.size;
    ++evicted;
  }
  kernelCacheNote("evicted " + std::to_string(evicted) + " entries to stay within " +
                  std::to_string(limitBytes_) + " bytes");
}

void kernelCacheNote(const std::string& message) {
  const char* debug = std::getenv("GRADC_CACHE_DEBUG");
  if (!debug || !*debug || std::string_view(debug) == "0") return;
  std::string line = "gradc: kernel cache: " + message + "\n";
  (void)!::write(2, line.data(), line.size());
}

}  // namespace gradc
