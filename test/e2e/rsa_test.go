package e2e

import "crypto/rsa"

type rsaPublicKey = rsa.PublicKey
