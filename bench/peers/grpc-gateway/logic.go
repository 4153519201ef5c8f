package main

// Logic: bench/src/logic.rs (as bench/peers/connect-node/server.mjs carries it), ZITADEL's
// checks in ZITADEL's order, the same codes, messages and error details.

import (
	"context"
	"crypto/subtle"
	"fmt"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/golang/protobuf/ptypes/timestamp"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"protogate.local/gen/zitadel/auth"
	"protogate.local/gen/zitadel/message"
	"protogate.local/gen/zitadel/object"
	userpb "protogate.local/gen/zitadel/user"
)

const (
	seedCode = "H83J3A"
	seedOrg  = "bench"
)

// phoneError is one row of ZITADEL's error table: the status message is "<text> (<id>)",
// with a zitadel.v1.ErrorDetail{id, message: text} in the status details.
type phoneError struct {
	code codes.Code
	id   string
	text string
}

func (e phoneError) err() error {
	s := status.New(e.code, fmt.Sprintf("%s (%s)", e.text, e.id))
	if d, err := s.WithDetails(&message.ErrorDetail{Id: e.id, Message: e.text}); err == nil {
		s = d
	}
	return s.Err()
}

var (
	userIDMissing = phoneError{codes.InvalidArgument, "COMMAND-Km9ds", "User ID missing"}
	codeEmpty     = phoneError{codes.InvalidArgument, "COMMAND-wMe9f", "Code is empty"}
	userNotFound  = phoneError{codes.FailedPrecondition, "COMMAND-Rsj8c", "User could not be found"}
	codeNotFound  = phoneError{codes.NotFound, "COMMAND-Rsj8c", "Code not found"}
	codeInvalid   = phoneError{codes.InvalidArgument, "COMMAND-sM0cs", "Code is invalid"}
	phoneNotFound = phoneError{codes.NotFound, "PHONE-NoPhn", "Phone number not found"}
	phoneInvalid  = phoneError{codes.InvalidArgument, "PHONE-Inv4l", "Phone number is invalid"}
)

type phoneState struct {
	number   string
	verified bool
	code     string // "" when none is pending
}

type userState struct {
	org      string
	sequence uint64
	created  int64 // µs since the epoch
	changed  int64
	phone    *phoneState
}

// nowMicros is now in microseconds since the epoch.
func nowMicros() int64 { return time.Now().UnixMicro() }

func timestampOf(micros int64) *timestamp.Timestamp {
	seconds, rest := micros/1e6, micros%1e6
	if rest < 0 {
		seconds, rest = seconds-1, rest+1e6
	}
	return &timestamp.Timestamp{Seconds: seconds, Nanos: int32(rest * 1000)}
}

// service implements auth.AuthServiceServer. One mutex guards the users, as the Rust
// logic's Mutex<HashMap> does; a call holds it only while it reads or changes its row.
type service struct {
	auth.UnimplementedAuthServiceServer
	mu    sync.Mutex
	users map[string]*userState
}

func newService(n int) *service {
	s := &service{users: make(map[string]*userState, n)}
	for i := 0; i < n; i++ {
		now := nowMicros()
		s.users[fmt.Sprintf("user-%d", i)] = &userState{
			org:      seedOrg,
			sequence: 3,
			created:  now,
			changed:  now,
			phone: &phoneState{
				number: fmt.Sprintf("+41790%06d", i),
				code:   seedCode,
			},
		}
	}
	return s
}

// withUser runs f on the caller's row under the lock: USER_ID_MISSING without a user id,
// USER_NOT_FOUND when no row of the caller's organisation has it.
func (s *service) withUser(u user, f func(*userState) error) error {
	if u.id == "" {
		return userIDMissing.err()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	state, ok := s.users[u.id]
	if !ok || state.org != u.org {
		return userNotFound.err()
	}
	return f(state)
}

// changed bumps the sequence and answers the change's details.
func changed(state *userState) *object.ObjectDetails {
	state.sequence++
	if now := nowMicros(); now > state.changed {
		state.changed = now
	}
	return &object.ObjectDetails{
		Sequence:      state.sequence,
		ChangeDate:    timestampOf(state.changed),
		ResourceOwner: state.org,
	}
}

func sameCode(a, b string) bool {
	return len(a) == len(b) && subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

func (s *service) Healthz(context.Context, *auth.HealthzRequest) (*auth.HealthzResponse, error) {
	return &auth.HealthzResponse{}, nil
}

func (s *service) GetMyPhone(ctx context.Context, _ *auth.GetMyPhoneRequest) (*auth.GetMyPhoneResponse, error) {
	u, err := callerOf(ctx)
	if err != nil {
		return nil, err
	}
	out := &auth.GetMyPhoneResponse{}
	err = s.withUser(u, func(state *userState) error {
		out.Details = &object.ObjectDetails{
			Sequence:      state.sequence,
			CreationDate:  timestampOf(state.created),
			ChangeDate:    timestampOf(state.changed),
			ResourceOwner: state.org,
		}
		if state.phone != nil {
			out.Phone = &userpb.Phone{Phone: state.phone.number, IsPhoneVerified: state.phone.verified}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (s *service) SetMyPhone(ctx context.Context, req *auth.SetMyPhoneRequest) (*auth.SetMyPhoneResponse, error) {
	u, err := callerOf(ctx)
	if err != nil {
		return nil, err
	}
	phone := req.GetPhone()
	if n := utf8.RuneCountInString(phone); n < 1 || n > 50 {
		return nil, status.Error(codes.InvalidArgument,
			"invalid SetMyPhoneRequest.Phone: value length must be between 1 and 50 runes, inclusive")
	}
	if !strings.HasPrefix(phone, "+") {
		return nil, status.Error(codes.InvalidArgument,
			`invalid SetMyPhoneRequest.Phone: value does not have prefix "+"`)
	}
	digits := phone[1:]
	if len(digits) < 7 || len(digits) > 15 || strings.TrimLeft(digits, "0123456789") != "" {
		return nil, phoneInvalid.err()
	}
	out := &auth.SetMyPhoneResponse{}
	err = s.withUser(u, func(state *userState) error {
		state.phone = &phoneState{number: phone, code: seedCode}
		state.sequence++ // user.human.phone.changed, then code.added
		out.Details = changed(state)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (s *service) VerifyMyPhone(ctx context.Context, req *auth.VerifyMyPhoneRequest) (*auth.VerifyMyPhoneResponse, error) {
	u, err := callerOf(ctx)
	if err != nil {
		return nil, err
	}
	code := req.GetCode()
	if n := utf8.RuneCountInString(code); n < 1 || n > 200 {
		return nil, status.Error(codes.InvalidArgument,
			"invalid VerifyMyPhoneRequest.Code: value length must be between 1 and 200 runes, inclusive")
	}
	if u.id == "" {
		return nil, userIDMissing.err()
	}
	if code == "" {
		return nil, codeEmpty.err()
	}
	out := &auth.VerifyMyPhoneResponse{}
	err = s.withUser(u, func(state *userState) error {
		if state.phone == nil || state.phone.code == "" {
			return codeNotFound.err()
		}
		if !sameCode(state.phone.code, code) {
			state.sequence++ // user.human.phone.verification.failed
			return codeInvalid.err()
		}
		// The code stays pending (bench/src/logic.rs), so every request does the same work.
		state.phone.verified = true
		out.Details = changed(state)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (s *service) ResendMyPhoneVerification(ctx context.Context, _ *auth.ResendMyPhoneVerificationRequest) (*auth.ResendMyPhoneVerificationResponse, error) {
	u, err := callerOf(ctx)
	if err != nil {
		return nil, err
	}
	out := &auth.ResendMyPhoneVerificationResponse{}
	err = s.withUser(u, func(state *userState) error {
		if state.phone == nil {
			return phoneNotFound.err()
		}
		state.phone.code = seedCode
		out.Details = changed(state)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (s *service) RemoveMyPhone(ctx context.Context, _ *auth.RemoveMyPhoneRequest) (*auth.RemoveMyPhoneResponse, error) {
	u, err := callerOf(ctx)
	if err != nil {
		return nil, err
	}
	out := &auth.RemoveMyPhoneResponse{}
	err = s.withUser(u, func(state *userState) error {
		if state.phone == nil {
			return phoneNotFound.err()
		}
		state.phone = nil
		out.Details = changed(state)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
