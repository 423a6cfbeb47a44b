package sessions

import (
	"testing"
)

func TestUnitParse(t *testing.T) {
	tests := []struct {
		unit    Unit
		in      string
		want    int64
		wantErr bool
	}{
		{UnitEUR, "500.00", 50000, false},
		{UnitEUR, "500", 50000, false},
		{UnitEUR, "0.5", 50, false},
		{UnitEUR, ".5", 50, false},
		{UnitEUR, "480.50", 48050, false},
		{UnitEUR, "500.001", 0, true},
		{UnitEUR, "-5", 0, true},
		{UnitEUR, "5,00", 0, true},
		{UnitEUR, "", 0, true},
		{UnitEUR, "1.", 0, true},
		{UnitEUR, "9999999999999", 0, true},
		{UnitHours, "7.5", 450, false},
		{UnitHours, "125", 7500, false},
		{UnitHours, "0.25", 15, false},
		{UnitHours, "7.50", 450, false},
		{UnitHours, "1.01", 0, true},
		{UnitDays, "2", 2, false},
		{UnitDays, "2.0", 2, false},
		{UnitDays, "2.5", 0, true},
		{Unit("km"), "2", 0, true},
	}
	for _, tt := range tests {
		t.Run(string(tt.unit)+" "+tt.in, func(t *testing.T) {
			got, err := tt.unit.Parse(tt.in)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err %v, wantErr %v", err, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("got %d, want %d", got, tt.want)
			}
		})
	}
}

func TestUnitFormatRoundTrip(t *testing.T) {
	for _, tt := range []struct {
		unit Unit
		v    int64
		want string
	}{{UnitEUR, 124050, "1240.50"}, {UnitEUR, 5, "0.05"}, {UnitHours, 450, "7.5"}, {UnitHours, 7500, "125"}, {UnitHours, 15, "0.25"}, {UnitDays, 3, "3"}} {
		got := tt.unit.Format(tt.v)
		if got != tt.want {
			t.Errorf("%s %d: got %q, want %q", tt.unit, tt.v, got, tt.want)
		}
		if back, err := tt.unit.Parse(got); err != nil || back != tt.v {
			t.Errorf("%s %q parses back to %d, %v", tt.unit, got, back, err)
		}
	}
}

func TestSchemePayable(t *testing.T) {
	voucher, _ := FindScheme(DefaultSchemes(), "voucher")
	ila, _ := FindScheme(DefaultSchemes(), "ila")
	tests := []struct {
		name                   string
		sc                     Scheme
		cost, available, wantP int64
	}{
		{"voucher half", voucher, 20000, 100000, 10000},
		{"voucher capped", voucher, 48000, 100000, 12500},
		{"voucher short of funds", voucher, 20000, 3000, 3000},
		{"ila all", ila, 48000, 100000, 48000},
		{"nothing available", ila, 48000, 0, 0},
	}
	for _, tt := range tests {
		if got := tt.sc.Payable(tt.cost, tt.available); got != tt.wantP {
			t.Errorf("%s: got %d, want %d", tt.name, got, tt.wantP)
		}
	}
}

// FuzzUnitParse checks that no input panics, accepted amounts are never
// negative, and what Format writes parses back to the same minor units.
func FuzzUnitParse(f *testing.F) {
	for _, s := range []string{"500.00", "7.5", "2", "-1", "500.001", "1e3", " 12 ", ".5", "0.25", "999999999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, u := range []Unit{UnitEUR, UnitHours, UnitDays} {
			v, err := u.Parse(s)
			if err != nil {
				continue
			}
			if v < 0 {
				t.Fatalf("%s %q parsed to negative %d", u, s, v)
			}
			if u == UnitHours && v%3 != 0 {
				continue // Format shows hours with two decimals
			}
			back, err := u.Parse(u.Format(v))
			if err != nil || back != v {
				t.Fatalf("%s %q: %d formats as %q, parses back to %d, %v", u, s, v, u.Format(v), back, err)
			}
		}
	})
}
