"""SM2 with SM3 by another implementation (gmssl): checks our signatures, and signs for us to check.

  sm2_other.py verify PUBLIC_HEX MESSAGE_HEX SIGNATURE_HEX   prints "valid" or "invalid"
  sm2_other.py sign MESSAGE_HEX                              prints PUBLIC_HEX SIGNATURE_HEX
Public keys are uncompressed SEC1 points (04 || x || y); signatures r || s.
"""
import secrets
import sys

from gmssl import func, sm2


def main() -> None:
    mode = sys.argv[1]
    if mode == "verify":
        public, message, signature = sys.argv[2:5]
        crypt = sm2.CryptSM2(private_key=None, public_key=public[2:])
        print("valid" if crypt.verify_with_sm3(signature, bytes.fromhex(message)) else "invalid")
    elif mode == "sign":
        message = bytes.fromhex(sys.argv[2])
        n = int(sm2.default_ecc_table["n"], 16)
        private = format(secrets.randbelow(n - 2) + 1, "064x")
        probe = sm2.CryptSM2(private_key=private, public_key="")
        public = probe._kg(int(private, 16), sm2.default_ecc_table["g"])
        crypt = sm2.CryptSM2(private_key=private, public_key=public)
        signature = crypt.sign_with_sm3(message, func.random_hex(crypt.para_len))
        print("04" + public, signature)
    else:
        raise SystemExit(f"unknown mode {mode}")


if __name__ == "__main__":
    main()
