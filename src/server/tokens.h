// tokens.h - secrets for the sync server: device tokens made from the
// system's cryptographic random source and kept only as SHA-256 hashes
// (OpenSSL's libcrypto; no hand-written crypto).
#pragma once

#include <string>
#include <string_view>

namespace crm::server {

// "crm_" and 43 characters of base64url: 256 random bits.
std::string new_token();
// Lower-case hex of `n` random bytes (ids of workspaces).
std::string random_hex(int n);
std::string sha256_hex(std::string_view data);
// The public id of a token (to list and revoke it): the start of its hash.
inline std::string token_id(std::string_view hash) { return std::string(hash.substr(0, 12)); }
// Compares two strings in time independent of where they differ.
bool same_secret(std::string_view a, std::string_view b);

}  // namespace crm::server
