"""Python ctypes smoke test of libavskey.so: opens a keystore signer with a
passphrase file, signs a digest and prints the signature.
    python3 smoke.py LIBAVSKEY_SO KEYFILE PASSWORD_FILE DIGEST_HEX"""
import ctypes
import sys

lib = ctypes.CDLL(sys.argv[1])


class PwSource(ctypes.Structure):
    _fields_ = [("kind", ctypes.c_int), ("arg", ctypes.c_char_p), ("url_cert", ctypes.c_char_p),
                ("url_key", ctypes.c_char_p), ("url_ca", ctypes.c_char_p)]


PW_CB = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_size_t,
                         ctypes.POINTER(ctypes.c_size_t))


class Options(ctypes.Structure):  # avskey_signer_options (include/avskey/signer.h)
    _fields_ = [("passphrase", PwSource), ("passphrase_cb", PW_CB), ("passphrase_ctx", ctypes.c_void_p),
                ("key_id", ctypes.c_char_p), ("token", ctypes.c_char_p), ("token_file", ctypes.c_char_p),
                ("tls_ca", ctypes.c_char_p), ("tls_cert", ctypes.c_char_p), ("tls_key", ctypes.c_char_p),
                ("timeout_ms", ctypes.c_uint), ("retries", ctypes.c_uint)]


AVSKEY_PW_FILE = 1
lib.avskey_signer_open.argtypes = [ctypes.POINTER(ctypes.c_void_p), ctypes.c_char_p, ctypes.POINTER(Options)]
lib.avskey_signer_open.restype = ctypes.c_int
lib.avskey_signer_sign_digest.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p]
lib.avskey_signer_sign_digest.restype = ctypes.c_int
lib.avskey_signer_close.argtypes = [ctypes.c_void_p]
lib.avskey_errmsg.restype = ctypes.c_char_p

opts = Options()
lib.avskey_signer_options_init(ctypes.byref(opts))
assert opts.timeout_ms == 5000, opts.timeout_ms
opts.passphrase.kind = AVSKEY_PW_FILE
opts.passphrase.arg = sys.argv[3].encode()
s = ctypes.c_void_p()
if lib.avskey_signer_open(ctypes.byref(s), ("keystore:" + sys.argv[2]).encode(), ctypes.byref(opts)) != 0:
    sys.exit("open: " + lib.avskey_errmsg().decode())
sig = ctypes.create_string_buffer(65)
rc = lib.avskey_signer_sign_digest(s, sig, bytes.fromhex(sys.argv[4].removeprefix("0x")))
lib.avskey_signer_close(s)
if rc != 0:
    sys.exit("sign: " + lib.avskey_errmsg().decode())
print("0x" + sig.raw.hex())
