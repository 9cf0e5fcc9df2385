package sqlite

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
)

// BenchmarkStageAddUser stages 100,000 users, as the decide stage's first pass does:
// every index of the stage's users table costs a B-tree insert for each.
func BenchmarkStageAddUser(b *testing.B) {
	ctx := context.Background()
	for b.Loop() {
		b.StopTimer()
		st, err := CreateStage(ctx, filepath.Join(b.TempDir(), "s.db"))
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		for i := 0; i < 100000; i++ {
			id := fmt.Sprintf("%07d", i)
			u := &StagedUser{UKey: "u:" + id, FirstLine: i + 2, UserID: id, Role: "Student", First: "Ann", Last: "Lee", Grade: "3",
				IDKey: id, Base: fmt.Sprintf("alee%d", i%5000)}
			if err := st.AddUser(ctx, u); err != nil {
				b.Fatal(err)
			}
		}
		if err := st.FlushUsers(ctx); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		st.Remove()
		b.StartTimer()
	}
}
