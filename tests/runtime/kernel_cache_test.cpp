// The on-disk kernel cache: keys that change with everything the code depends on,
// entries that survive a round trip and are never trusted when damaged, and JIT
// kernels from the cache that compute what fresh ones do.
#include "runtime/kernel_cache.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <random>

#include "../compiler/test_support.hpp"
#include "compiler/lower/kernel_program.hpp"
#include "runtime/aot.hpp"
#include "runtime/jit.hpp"

namespace gradc {
namespace {

namespace fs = std::filesystem;
using testing::compileText;

const char* kModel =
    "input x, y\nparam w = 0.5\n"
    "a = sin(w * x) * exp(y) + x / (y * y + 1) + where(x > y, sqrt(abs(x)), log1p(abs(y)))\n"
    "output a\noutput da = grad(a, x)\noutput dw = grad(grad(a, w), w)\n";

KernelProgram programFor(const std::string& text) {
  auto r = compileText(text);
  EXPECT_TRUE(r.model) << ::testing::PrintToString(r.diagnostics);
  return r.model ? scheduleKernel(r.model->simplified) : KernelProgram{};
}

std::string readFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void writeFile(const fs::path& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

std::vector<fs::path> entriesIn(const fs::path& directory) {
  std::vector<fs::path> entries;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(directory, ec))
    if (e.path().extension() == ".o") entries.push_back(e.path());
  return entries;
}

// Sets an environment variable for one scope and restores it after.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value)
      ::setenv(name, value, 1);
    else
      ::unsetenv(name);
  }
  ~ScopedEnv() {
    if (old_)
      ::setenv(name_, old_->c_str(), 1);
    else
      ::unsetenv(name_);
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

// A fresh directory for one test, under the build tree's test cache when ctest
// gives one (never the home directory), removed afterwards.
class TempDir {
 public:
  TempDir() {
    const char* base = std::getenv("GRADC_CACHE_DIR");
    fs::path root = base && *base ? fs::path(base) : fs::temp_directory_path();
    const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ = root / ("kernel_cache_test-" + std::string(test->name()) + "-" + std::to_string(::getpid()));
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::permissions(path_, fs::perms::owner_all, fs::perm_options::add, ec);
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

bool sameBits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

// The kernel's outputs at many points, as one batch.
std::vector<double> outputsAt(const JitKernel& kernel, size_t n) {
  std::vector<double> inputs(kernel.numInputs() * n), params = {0.75}, outputs(kernel.numOutputs() * n);
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> u(-3, 3);
  for (double& v : inputs) v = u(rng);
  kernel.batch(n, inputs.data(), params.data(), outputs.data());
  return outputs;
}

void expectSameBits(const std::vector<double>& a, const std::vector<double>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i)
    ASSERT_TRUE(sameBits(a[i], b[i])) << "value " << i << ": " << a[i] << " vs " << b[i];
}

KernelCacheKey keyOf(const KernelProgram& program, const std::string& name = "k", int optLevel = 2,
                     const std::string& signature = "test target") {
  return kernelCacheKey(programFingerprint(program), name, optLevel, signature);
}

TEST(KernelCacheKey, SameProgramSameKey) {
  KernelProgram a = programFor(kModel), b = programFor(kModel);
  EXPECT_EQ(programFingerprint(a), programFingerprint(b));
  EXPECT_EQ(keyOf(a), keyOf(b));
  EXPECT_EQ(keyOf(a).hex.size(), 64u);
}

TEST(KernelCacheKey, EveryChangeGivesAnotherKey) {
  KernelProgram base = programFor(kModel);
  ASSERT_GT(base.code.size(), 10u);
  auto firstWith = [&](std::function<bool(const KernelInstruction&)> pick) {
    for (size_t i = 0; i < base.code.size(); ++i)
      if (pick(base.code[i])) return i;
    ADD_FAILURE() << "no such instruction";
    return size_t{0};
  };
  size_t constant = firstWith([](const KernelInstruction& i) { return i.source == OperandSource::Constant; });
  size_t computed = firstWith([](const KernelInstruction& i) { return i.source == OperandSource::Computed; });
  size_t input = firstWith([](const KernelInstruction& i) { return i.source == OperandSource::Input; });
  std::vector<std::pair<const char*, std::function<void(KernelProgram&)>>> changes = {
      {"a constant",
       [&](KernelProgram& p) { p.code[constant].constant = std::nextafter(p.code[constant].constant, 1e9); }},
      {"an op",
       [&](KernelProgram& p) { p.code[computed].op = p.code[computed].op == Op::Sin ? Op::Cos : Op::Sin; }},
      {"an operand", [&](KernelProgram& p) { p.operands[0] = p.operands[0] == 0 ? 1 : 0; }},
      {"an input's position", [&](KernelProgram& p) { p.code[input].index ^= 1; }},
      {"a boolean flag", [&](KernelProgram& p) { p.code[computed].boolean = !p.code[computed].boolean; }},
      {"the output order", [&](KernelProgram& p) { std::swap(p.outputs[0], p.outputs[1]); }},
      {"an output dropped", [&](KernelProgram& p) { p.outputs.pop_back(); }},
      {"an input name", [&](KernelProgram& p) { p.inputNames[0] += "_"; }},
      {"an output name", [&](KernelProgram& p) { p.outputNames[0] += "_"; }},
      {"a name moved between lists",
       [&](KernelProgram& p) {
         p.paramNames.insert(p.paramNames.begin(), p.inputNames.back());
         p.inputNames.pop_back();
       }},
  };
  for (auto& [what, change] : changes) {
    KernelProgram changed = base;
    change(changed);
    EXPECT_NE(programFingerprint(changed), programFingerprint(base)) << what;
    EXPECT_NE(keyOf(changed), keyOf(base)) << what;
  }
  KernelProgram plusZero = base, minusZero = base;
  plusZero.code[constant].constant = 0.0;
  minusZero.code[constant].constant = -0.0;
  EXPECT_NE(keyOf(plusZero), keyOf(minusZero)) << "0 and -0";

  EXPECT_NE(keyOf(base, "k", 2), keyOf(base, "k", 3)) << "the -O level";
  EXPECT_NE(keyOf(base, "k"), keyOf(base, "k2")) << "the name";
  EXPECT_NE(keyOf(base, "k", 2, "cpu a"), keyOf(base, "k", 2, "cpu b")) << "the target";
  // Length prefixes: moving a character from the name to the signature is a change.
  EXPECT_NE(keyOf(base, "ab", 2, "c"), keyOf(base, "a", 2, "bc"));
}

TEST(KernelCache, StoreThenLoad) {
  TempDir dir;
  KernelCache cache(dir.path() / "new" / "dir");  // created on the first store
  KernelCacheKey key = keyOf(programFor(kModel));
  EXPECT_FALSE(cache.load(key));
  std::string object(
      "\x7f"
      "ELF\0 binary\0\xff bytes",
      20);
  ASSERT_TRUE(cache.store(key, object));
  EXPECT_EQ(cache.load(key), object);
  EXPECT_EQ(entriesIn(cache.directory()), std::vector<fs::path>{cache.entryPath(key)});
  ASSERT_TRUE(cache.store(key, "replaced"));
  EXPECT_EQ(cache.load(key), "replaced");
  EXPECT_EQ(cache.load(keyOf(programFor(kModel), "other")), std::nullopt);
  // No temporary file is left behind.
  size_t files = 0;
  for (const auto& e : fs::directory_iterator(cache.directory())) files += e.is_regular_file() ? 1 : 0;
  EXPECT_EQ(files, 1u);
}

TEST(KernelCache, DamagedEntriesAreMisses) {
  TempDir dir;
  KernelCache cache(dir.path());
  KernelProgram program = programFor(kModel);
  KernelCacheKey key = keyOf(program), other = keyOf(program, "other");
  std::string object(4000, 'o');
  ASSERT_TRUE(cache.store(key, object));
  std::string good = readFile(cache.entryPath(key));

  std::string flipped = good;
  flipped[1234] ^= 1;
  writeFile(cache.entryPath(key), flipped);
  EXPECT_EQ(cache.load(key), std::nullopt) << "a flipped bit";
  writeFile(cache.entryPath(key), good.substr(0, good.size() - 1));
  EXPECT_EQ(cache.load(key), std::nullopt) << "truncated";
  writeFile(cache.entryPath(key), good.substr(0, 10));
  EXPECT_EQ(cache.load(key), std::nullopt) << "shorter than the trailer";
  writeFile(cache.entryPath(key), "");
  EXPECT_EQ(cache.load(key), std::nullopt) << "empty";
  writeFile(cache.entryPath(other), good);
  EXPECT_EQ(cache.load(other), std::nullopt) << "another key's entry";
  writeFile(cache.entryPath(key), good);
  EXPECT_EQ(cache.load(key), object);
}

TEST(KernelCache, NoDirectoryMeansNoCache) {
  TempDir dir;
  writeFile(dir.path() / "file", "not a directory");
  KernelCache cache(dir.path() / "file" / "cache");
  KernelCacheKey key = keyOf(programFor(kModel));
  EXPECT_FALSE(cache.store(key, "object"));
  EXPECT_EQ(cache.load(key), std::nullopt);
}

TEST(KernelCache, UnwritableDirectoryMeansNoCache) {
  if (::geteuid() == 0) GTEST_SKIP() << "root writes into read-only directories";
  TempDir dir;
  fs::path readOnly = dir.path() / "read-only";
  fs::create_directories(readOnly);
  fs::permissions(readOnly, fs::perms::owner_read | fs::perms::owner_exec);
  KernelCache cache(readOnly);
  KernelCacheKey key = keyOf(programFor(kModel));
  EXPECT_FALSE(cache.store(key, "object"));
  EXPECT_EQ(cache.load(key), std::nullopt);
}

TEST(KernelCache, EvictsTheLeastRecentlyUsed) {
  TempDir dir;
  KernelCache cache(dir.path(), 10000);
  KernelProgram program = programFor(kModel);
  writeFile(dir.path() / "not-gradc.o", std::string(20000, 'x'));  // never deleted: not an entry's name
  std::vector<KernelCacheKey> keys;
  for (int i = 0; i < 4; ++i) {
    keys.push_back(keyOf(program, "k" + std::to_string(i)));
    ASSERT_TRUE(cache.store(keys.back(), std::string(3000, 'a' + i)));
    // Distinct, increasing times: file systems with coarse clocks would tie them.
    fs::last_write_time(cache.entryPath(keys.back()),
                        fs::file_time_type::clock::now() - std::chrono::hours(10 - i));
  }
  // k0..k2 fit (3 x ~3 KB); storing k3 went beyond 10 KB and evicted k0, the oldest.
  EXPECT_FALSE(fs::exists(cache.entryPath(keys[0])));
  EXPECT_TRUE(cache.load(keys[1]));  // now the most recently used
  ASSERT_TRUE(cache.store(keyOf(program, "k4"), std::string(3000, 'e')));
  EXPECT_TRUE(fs::exists(cache.entryPath(keys[1])));
  EXPECT_FALSE(fs::exists(cache.entryPath(keys[2])));
  EXPECT_TRUE(fs::exists(cache.entryPath(keys[3])));
  EXPECT_TRUE(fs::exists(dir.path() / "not-gradc.o"));
  EXPECT_FALSE(cache.store(keyOf(program, "huge"), std::string(20000, 'h'))) << "larger than the limit";
}

TEST(KernelCache, DefaultDirectory) {
  ScopedEnv gradcDir("GRADC_CACHE_DIR", "/somewhere/gradc-cache");
  ScopedEnv xdg("XDG_CACHE_HOME", "/xdg");
  ScopedEnv home("HOME", "/home/someone");
  EXPECT_EQ(KernelCache::defaultDirectory(), fs::path("/somewhere/gradc-cache"));
  {
    ScopedEnv unset("GRADC_CACHE_DIR", "");
    EXPECT_EQ(KernelCache::defaultDirectory(), fs::path("/xdg/gradc"));
    ScopedEnv relative("XDG_CACHE_HOME", "relative/path");
    EXPECT_EQ(KernelCache::defaultDirectory(), fs::path("/home/someone/.cache/gradc"));
    ScopedEnv noHome("HOME", nullptr);
    EXPECT_EQ(KernelCache::defaultDirectory(), std::nullopt);
  }
}

// The JIT with the cache in a fresh directory.
class JitCache : public ::testing::Test {
 protected:
  TempDir dir_;
  ScopedEnv env_{"GRADC_CACHE_DIR", dir_.path().c_str()};
  KernelProgram program_ = programFor(kModel);
  KernelOptions cached_{.optLevel = 2, .useCache = true};
};

TEST_F(JitCache, SecondCompileComesFromTheCacheWithTheSameBits) {
  std::vector<double> fresh = outputsAt(*JitKernel::compile(program_), 257);
  {
    auto first = JitKernel::compile(program_, cached_);
    EXPECT_FALSE(first->loadedFromCache());
    expectSameBits(outputsAt(*first, 257), fresh);
  }
  ASSERT_EQ(entriesIn(dir_.path()).size(), 1u);
  auto second = JitKernel::compile(program_, cached_);
  EXPECT_TRUE(second->loadedFromCache());
  expectSameBits(outputsAt(*second, 257), fresh);
  double in[2] = {0.3, -1.2}, params[1] = {0.75}, out[3], want[3];
  (*second)(in, params, out);
  JitKernel::compile(program_)->operator()(in, params, want);
  for (int k = 0; k < 3; ++k) EXPECT_TRUE(sameBits(out[k], want[k]));
  EXPECT_EQ(entriesIn(dir_.path()).size(), 1u);
}

TEST_F(JitCache, WithoutTheSwitchTheCacheIsUntouched) {
  auto kernel = JitKernel::compile(program_);
  EXPECT_FALSE(kernel->loadedFromCache());
  EXPECT_TRUE(entriesIn(dir_.path()).empty());
}

TEST_F(JitCache, TwoLiveKernelsOfOneProgram) {
  auto a = JitKernel::compile(program_, cached_);
  auto b = JitKernel::compile(program_, cached_);  // another symbol name while `a` lives
  expectSameBits(outputsAt(*a, 33), outputsAt(*b, 33));
  a.reset();
  b.reset();
  auto c = JitKernel::compile(program_, cached_);
  EXPECT_TRUE(c->loadedFromCache());
}

TEST_F(JitCache, DamagedEntryIsCompiledAgainAndReplaced) {
  std::vector<double> fresh = outputsAt(*JitKernel::compile(program_), 64);
  JitKernel::compile(program_, cached_);
  auto entries = entriesIn(dir_.path());
  ASSERT_EQ(entries.size(), 1u);
  std::string bytes = readFile(entries[0]);
  bytes[bytes.size() / 3] ^= 0x40;  // inside the machine code, say
  writeFile(entries[0], bytes);
  auto kernel = JitKernel::compile(program_, cached_);
  EXPECT_FALSE(kernel->loadedFromCache());
  expectSameBits(outputsAt(*kernel, 64), fresh);
  kernel.reset();
  EXPECT_TRUE(JitKernel::compile(program_, cached_)->loadedFromCache()) << "the entry was replaced";
}

// An entry whose trailer is right but whose object LLVM refuses, or that lacks the
// kernel's symbols: compiled again, replaced, and never an error.
TEST_F(JitCache, EntryLlvmRefusesIsCompiledAgain) {
  std::vector<double> fresh = outputsAt(*JitKernel::compile(program_), 64);
  JitKernel::compile(program_, cached_);
  auto entries = entriesIn(dir_.path());
  ASSERT_EQ(entries.size(), 1u);
  KernelCache cache(dir_.path());
  KernelCacheKey key{entries[0].stem().string()};
  std::string good = *cache.load(key);

  // Another kernel's object: valid, but without this kernel's symbols.
  JitKernel::compile(programFor("input x\noutput y = x * x\n"), cached_);
  std::string otherObject;
  for (const auto& e : entriesIn(dir_.path()))
    if (e != entries[0]) otherObject = *cache.load(KernelCacheKey{e.stem().string()});
  ASSERT_FALSE(otherObject.empty());

  for (const std::string& bad :
       {std::string("not an object file"), good.substr(0, good.size() / 2), otherObject}) {
    ASSERT_TRUE(cache.store(key, bad));
    auto kernel = JitKernel::compile(program_, cached_);
    EXPECT_FALSE(kernel->loadedFromCache());
    expectSameBits(outputsAt(*kernel, 64), fresh);
    EXPECT_EQ(cache.load(key), good) << "the entry was replaced by the compiled object";
  }
}

TEST_F(JitCache, NoDirectoryStillCompiles) {
  writeFile(dir_.path() / "file", "x");
  ScopedEnv env("GRADC_CACHE_DIR", (dir_.path() / "file" / "cache").c_str());
  for (int i = 0; i < 2; ++i) {
    auto kernel = JitKernel::compile(program_, cached_);
    EXPECT_FALSE(kernel->loadedFromCache());
    expectSameBits(outputsAt(*kernel, 16), outputsAt(*JitKernel::compile(program_), 16));
  }
  ScopedEnv noDir("GRADC_CACHE_DIR", nullptr);
  ScopedEnv noXdg("XDG_CACHE_HOME", nullptr);
  ScopedEnv noHome("HOME", nullptr);
  EXPECT_FALSE(JitKernel::compile(program_, cached_)->loadedFromCache());
}

TEST_F(JitCache, ObjectFilesFromTheCacheAreIdentical) {
  fs::path a = dir_.path() / "a.o", b = dir_.path() / "b.o", fresh = dir_.path() / "fresh.o";
  writeArtifact(program_, "kern", a.string(), ArtifactKind::Object, 2, true);
  ASSERT_EQ(entriesIn(dir_.path()).size(), 2u);  // a.o and the entry
  writeArtifact(program_, "kern", b.string(), ArtifactKind::Object, 2, true);
  writeArtifact(program_, "kern", fresh.string(), ArtifactKind::Object, 2, false);
  EXPECT_EQ(readFile(a), readFile(b));
  EXPECT_EQ(readFile(a), readFile(fresh));
  EXPECT_EQ(entriesIn(dir_.path()).size(), 4u);  // a.o, b.o, fresh.o, one entry
}

}  // namespace
}  // namespace gradc
