package emulator

import "time"

// Codat's documentation does not say that GET /companies shows a company as
// soon as POST /companies has answered, and a list served from a replica or
// an index may well lag it. The emulator lists a company at once by default;
// the CompanyListDelay switch plays the other reading: for ListDelay (or
// Options.ListDelay) after its creation, by the emulator's clock,
// a company is left out of the list, and out of its totalResults, while GET
// /companies/{companyId} finds it. A client that takes "not listed" for
// "deleted" fails under it.

// notListedYet reports whether the list leaves c out at now.
func notListedYet(c *companyRecord, now time.Time, delay time.Duration) bool {
	return delay > 0 && now.Sub(c.Created) < delay
}
