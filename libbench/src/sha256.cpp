#include "pmbench/sha256.hpp"

#include <openssl/evp.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <memory>
#include <vector>

#include "pmbench/error.hpp"

namespace pmbench {
namespace {

struct MdCtxDeleter {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};
using MdCtx = std::unique_ptr<EVP_MD_CTX, MdCtxDeleter>;

MdCtx new_sha256() {
  MdCtx ctx(EVP_MD_CTX_new());
  PMBENCH_CHECK(ctx && EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) == 1, Internal,
                "sha256: OpenSSL EVP initialisation failed");
  return ctx;
}

std::string finish_hex(EVP_MD_CTX* ctx) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int len = 0;
  PMBENCH_CHECK(EVP_DigestFinal_ex(ctx, digest.data(), &len) == 1 && len == 32, Internal,
                "sha256: OpenSSL EVP finalisation failed");
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(64, '0');
  for (unsigned i = 0; i < len; ++i) {
    out[2 * i] = kHex[digest[i] >> 4];
    out[2 * i + 1] = kHex[digest[i] & 15];
  }
  return out;
}

}  // namespace

std::string sha256_hex(std::string_view bytes) {
  MdCtx ctx = new_sha256();
  PMBENCH_CHECK(EVP_DigestUpdate(ctx.get(), bytes.data(), bytes.size()) == 1, Internal,
                "sha256: OpenSSL EVP update failed");
  return finish_hex(ctx.get());
}

std::string read_file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  PMBENCH_CHECK(in, Io, path, ": cannot open (", std::strerror(errno), ")");
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  PMBENCH_CHECK(size >= 0, Io, path, ": cannot determine the file size");
  in.seekg(0, std::ios::beg);
  std::string bytes(static_cast<std::size_t>(size), '\0');
  in.read(bytes.data(), size);
  PMBENCH_CHECK(in.gcount() == size, Io, path, ": read failed after ", in.gcount(), " of ", size, " bytes");
  return bytes;
}

std::string sha256_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  PMBENCH_CHECK(in, Io, path, ": cannot open (", std::strerror(errno), ")");
  MdCtx ctx = new_sha256();
  std::vector<char> buffer(1 << 16);
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    const std::streamsize got = in.gcount();
    if (got > 0) {
      PMBENCH_CHECK(EVP_DigestUpdate(ctx.get(), buffer.data(), static_cast<std::size_t>(got)) == 1, Internal,
                    "sha256: OpenSSL EVP update failed");
    }
  }
  PMBENCH_CHECK(in.eof(), Io, path, ": read failed");
  return finish_hex(ctx.get());
}

}  // namespace pmbench
