package codat

import (
	"context"
	"errors"
	"time"
)

// PollSchedule says how a wait polls Codat: the second poll comes first
// after the first, later ones growth times further apart, at most max apart.
type PollSchedule struct {
	First  time.Duration
	Max    time.Duration
	Growth float64
}

// DefaultPollSchedule polls soon at first (a sync often ends within seconds)
// and then backs off, so a long wait costs few of Codat's rate-limited
// requests: about 25 in ten minutes.
var DefaultPollSchedule = PollSchedule{First: time.Second, Max: 30 * time.Second, Growth: 1.5}

// ErrPollDeadline is returned by PollUntil when the deadline passes before
// poll reports done.
var ErrPollDeadline = errors.New("deadline passed")

// WaitStoppedError is returned when the context ends a wait (Terraform
// interrupted, or its own deadline).
type WaitStoppedError struct {
	Waited time.Duration
	Cause  error
}

func (e *WaitStoppedError) Error() string { return "stopped waiting: " + e.Cause.Error() }

// PollUntil calls poll at once and then on schedule until poll reports done
// or fails, or deadline passes; the last call is made at the deadline, so
// something that finishes just in time is not missed. It returns nil when
// poll reported done, poll's error, ErrPollDeadline, or a *WaitStoppedError
// when ctx ends first (also when poll fails because ctx ended).
func PollUntil(ctx context.Context, deadline time.Time, schedule PollSchedule, poll func() (done bool, err error)) error {
	start := time.Now()
	interval := schedule.First
	for {
		done, err := poll()
		if err != nil && ctx.Err() != nil {
			return &WaitStoppedError{Waited: time.Since(start), Cause: ctx.Err()}
		}
		if done || err != nil {
			return err
		}
		remaining := time.Until(deadline)
		if remaining <= 0 {
			return ErrPollDeadline
		}
		timer := time.NewTimer(min(interval, remaining))
		select {
		case <-ctx.Done():
			timer.Stop()
			return &WaitStoppedError{Waited: time.Since(start), Cause: ctx.Err()}
		case <-timer.C:
		}
		interval = min(time.Duration(float64(interval)*schedule.Growth), schedule.Max)
	}
}
