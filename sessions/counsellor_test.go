package sessions

import "testing"

func TestCounsellorValidate(t *testing.T) {
	for _, tt := range []struct {
		c  Counsellor
		ok bool
	}{
		{Counsellor{Name: "ann", Role: RoleCounsellor, Centres: []string{"gent"}}, true},
		{Counsellor{Name: "reg", Role: RoleRegional, Centres: []string{"gent", "brugge"}}, true},
		{Counsellor{Name: "", Role: RoleCounsellor}, false},
		{Counsellor{Name: "-ann", Role: RoleCounsellor}, false},
		{Counsellor{Name: "ann", Role: "boss"}, false},
		{Counsellor{Name: "ann", Role: RoleSupervisor, Centres: []string{"gent", "brugge"}}, false},
	} {
		if err := tt.c.Validate(); (err == nil) != tt.ok {
			t.Errorf("%+v: %v, want ok=%v", tt.c, err, tt.ok)
		}
	}
}

func TestBalanceOf(t *testing.T) {
	bs := []Balance{{Scheme: "ila", Balance: 5}, {Scheme: "voucher", Balance: 7}}
	if b, ok := BalanceOf(bs, "voucher"); !ok || b.Balance != 7 {
		t.Errorf("voucher: %+v %v", b, ok)
	}
	if b, ok := BalanceOf(bs, "leave"); ok || b != (Balance{}) {
		t.Errorf("leave: %+v %v", b, ok)
	}
}
