// SHA-256 of bytes and files (OpenSSL EVP), as lowercase hex.
#pragma once

#include <string>
#include <string_view>

namespace pmbench {

/// SHA-256 of `bytes` as 64 lowercase hex digits.
std::string sha256_hex(std::string_view bytes);

/// Reads a whole file into memory; throws Error(Io) naming the file when it cannot be read.
std::string read_file_bytes(const std::string& path);

/// SHA-256 of a file's bytes (streamed), as 64 lowercase hex digits.
std::string sha256_file(const std::string& path);

}  // namespace pmbench
