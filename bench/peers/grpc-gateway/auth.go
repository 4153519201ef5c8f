package main

// Tokens: bench/src/auth.rs and bench/peers/connect-node/server.mjs (HS256, issuer, audience,
// exp with jsonwebtoken's 60 s leeway), by hand with crypto/hmac: Debian's Go JWT packages
// would add nothing but a dependency.

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"strings"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
)

var tokenKey = []byte("protogate-bench-token-key-32-bytes!!")

const (
	tokenIssuer   = "protogate-bench"
	tokenAudience = "zitadel.auth.v1"
	tokenLeeway   = 60
)

// user is the caller a token stands for.
type user struct {
	id  string
	org string
}

// base64url decodes unpadded or padded base64url, as Node's Buffer.from(s, "base64url").
func base64url(s string) ([]byte, error) {
	return base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "="))
}

// verifyToken returns the token's user, or false when the token is not valid.
func verifyToken(token string) (user, bool) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return user{}, false
	}
	rawHeader, err := base64url(parts[0])
	if err != nil {
		return user{}, false
	}
	rawClaims, err := base64url(parts[1])
	if err != nil {
		return user{}, false
	}
	var header struct {
		Alg interface{} `json:"alg"`
	}
	if json.Unmarshal(rawHeader, &header) != nil || header.Alg != "HS256" {
		return user{}, false
	}
	var claims map[string]interface{}
	if json.Unmarshal(rawClaims, &claims) != nil || claims == nil {
		return user{}, false
	}
	mac := hmac.New(sha256.New, tokenKey)
	mac.Write([]byte(parts[0]))
	mac.Write([]byte{'.'})
	mac.Write([]byte(parts[1]))
	given, err := base64url(parts[2])
	if err != nil || !hmac.Equal(given, mac.Sum(nil)) {
		return user{}, false
	}
	now := float64(time.Now().Unix())
	exp, ok := claims["exp"].(float64)
	if !ok || exp < now-tokenLeeway {
		return user{}, false
	}
	if iss, _ := claims["iss"].(string); iss != tokenIssuer || !hasAudience(claims["aud"]) {
		return user{}, false
	}
	sub, ok := claims["sub"].(string)
	if !ok {
		return user{}, false
	}
	org, _ := claims["org"].(string)
	return user{id: sub, org: org}, true
}

// hasAudience: aud is the audience or a list that holds it.
func hasAudience(aud interface{}) bool {
	switch a := aud.(type) {
	case string:
		return a == tokenAudience
	case []interface{}:
		for _, v := range a {
			if v == tokenAudience {
				return true
			}
		}
	}
	return false
}

// callerOf is the caller of a request, or UNAUTHENTICATED: every phone method needs one.
// REST requests reach the gRPC server through the gateway, which forwards the HTTP
// Authorization header as the `authorization` metadata.
func callerOf(ctx context.Context) (user, error) {
	md, _ := metadata.FromIncomingContext(ctx)
	values := md.Get("authorization")
	if len(values) == 0 {
		return user{}, status.Error(codes.Unauthenticated, "auth header missing")
	}
	value := values[0]
	scheme, token := "", ""
	if space := strings.IndexByte(value, ' '); space >= 0 {
		scheme, token = value[:space], strings.TrimSpace(value[space+1:])
	}
	if !strings.EqualFold(scheme, "bearer") || token == "" {
		return user{}, status.Error(codes.Unauthenticated, "authorization header must be `Bearer <token>`")
	}
	u, ok := verifyToken(token)
	if !ok {
		return user{}, status.Error(codes.Unauthenticated, "invalid token")
	}
	return u, nil
}
