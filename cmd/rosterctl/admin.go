package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/rosterdesk/rosterdesk/core"
	"github.com/rosterdesk/rosterdesk/core/engine"
)

// stringsFlag is a flag that may be given several times (--school A --school B).
type stringsFlag []string

func (f *stringsFlag) String() string { return strings.Join(*f, ", ") }

func (f *stringsFlag) Set(v string) error {
	*f = append(*f, v)
	return nil
}

// initAdmin creates the first Organization Administrator for init --admin and prints
// their temporary password. An administrator of that username already there is left
// as it is, so init stays idempotent.
func (c *cli) initAdmin(ctx context.Context, svc *engine.Service, op engine.NewOperator) error {
	owner := engine.Owner(osUserName())
	if existing, err := svc.OperatorByUsername(ctx, owner, op.Username); err == nil {
		fmt.Fprintf(c.stderr, "rosterctl: the administrator %s (%s) already exists; their password was not changed.\n", existing.Username, existing.Name)
		return nil
	} else if core.ErrorKind(err) != core.KindNotFound {
		return fmt.Errorf("find administrator %q: %w", op.Username, err)
	}
	return c.addAdmin(ctx, svc, owner, op)
}

// addAdmin adds an administrator and prints the temporary password alone on stdout, so
// scripts can capture it, and the rest on stderr.
func (c *cli) addAdmin(ctx context.Context, svc *engine.Service, owner engine.Actor, op engine.NewOperator) error {
	added, cred, err := svc.AddOperator(ctx, owner, op)
	if err != nil {
		return fmt.Errorf("add administrator %q: %w", op.Username, err)
	}
	fmt.Fprintln(c.stdout, cred.Password)
	fmt.Fprintf(c.stderr, "Added %s %s (%s). The temporary password above must be replaced at the first sign-in, before %s.\n",
		added.Role, added.Name, added.Username, cred.ExpiresAt.Format("2006-01-02"))
	return nil
}

func cmdAdmin(c *cli, ctx context.Context, args []string) error {
	if len(args) == 0 {
		return c.usageErrorf("missing subcommand: add, list, schools, reset or remove")
	}
	sub, rest := args[0], args[1:]
	switch sub {
	case "add":
		return c.adminAdd(ctx, rest)
	case "list":
		return c.adminList(ctx, rest)
	case "schools":
		return c.adminSchools(ctx, rest)
	case "reset", "remove":
		pos, err := c.parse(c.flags(), rest, 1, 1)
		if err != nil {
			return err
		}
		return c.withService(ctx, needOrg, func(svc *engine.Service) error {
			owner := engine.Owner(osUserName())
			op, err := svc.OperatorByUsername(ctx, owner, pos[0])
			if err != nil {
				return fmt.Errorf("find administrator %q: %w", pos[0], err)
			}
			if sub == "remove" {
				if err := svc.RemoveOperator(ctx, owner, op.ID); err != nil {
					return fmt.Errorf("remove administrator %q: %w", op.Username, err)
				}
				fmt.Fprintf(c.stdout, "Removed the administrator %s (%s). Their uploads keep their name.\n", op.Username, op.Name)
				return nil
			}
			cred, err := svc.ResetOperatorPassword(ctx, owner, op.ID)
			if err != nil {
				return fmt.Errorf("reset password of %q: %w", op.Username, err)
			}
			fmt.Fprintln(c.stdout, cred.Password)
			fmt.Fprintf(c.stderr, "Temporary password for %s; it expires on %s unless used.\n", cred.Username, cred.ExpiresAt.Format("2006-01-02"))
			return nil
		})
	}
	return c.usageErrorf("unknown subcommand %q", sub)
}

// schoolIDs finds the schools named by --school.
func (c *cli) schoolIDs(ctx context.Context, svc *engine.Service, owner engine.Actor, names []string) ([]int64, error) {
	var ids []int64
	for _, n := range names {
		s, err := c.school(ctx, svc, owner, n)
		if err != nil {
			return nil, err
		}
		ids = append(ids, s.ID)
	}
	return ids, nil
}

func (c *cli) adminAdd(ctx context.Context, args []string) error {
	fl := c.flags()
	name := fl.String("name", "", "the administrator's full `NAME`, shown as Uploaded By")
	email := fl.String("email", "", "the administrator's `EMAIL` (optional)")
	var schools stringsFlag
	fl.Var(&schools, "school", "a school `NAME` the School Organization Administrator manages (repeat for several)")
	orgAdmin := fl.Bool("org-admin", false, "make an Organization Administrator (every school, and the administrators)")
	teacher := fl.String("teacher-account", "", "the `USERNAME` of the teacher account this person also uses")
	pos, err := c.parse(fl, args, 1, 1)
	if err != nil {
		return err
	}
	if err := c.require("name", *name); err != nil {
		return err
	}
	switch {
	case *orgAdmin && len(schools) > 0:
		return c.usageErrorf("an Organization Administrator reaches every school: give --org-admin or --school, not both")
	case !*orgAdmin && len(schools) == 0:
		return c.usageErrorf("give the schools of a School Organization Administrator with --school NAME, or --org-admin")
	}
	return c.withService(ctx, needOrg, func(svc *engine.Service) error {
		owner := engine.Owner(osUserName())
		op := engine.NewOperator{Username: pos[0], Name: *name, Email: *email, Role: core.OperatorSchoolAdmin}
		if *orgAdmin {
			op.Role = core.OperatorOrgAdmin
		}
		if op.SchoolIDs, err = c.schoolIDs(ctx, svc, owner, schools); err != nil {
			return err
		}
		if *teacher != "" {
			t, err := c.actor(ctx, svc, "", *teacher)
			if err != nil {
				return err
			}
			op.TeacherID = t.TeacherID
		}
		return c.addAdmin(ctx, svc, owner, op)
	})
}

func (c *cli) adminSchools(ctx context.Context, args []string) error {
	fl := c.flags()
	var schools stringsFlag
	fl.Var(&schools, "school", "a school `NAME` (repeat for several); the list replaces the old one")
	pos, err := c.parse(fl, args, 1, 1)
	if err != nil {
		return err
	}
	if len(schools) == 0 {
		return c.usageErrorf("give the schools with --school NAME")
	}
	return c.withService(ctx, needOrg, func(svc *engine.Service) error {
		owner := engine.Owner(osUserName())
		op, err := svc.OperatorByUsername(ctx, owner, pos[0])
		if err != nil {
			return fmt.Errorf("find administrator %q: %w", pos[0], err)
		}
		ids, err := c.schoolIDs(ctx, svc, owner, schools)
		if err != nil {
			return err
		}
		if err := svc.SetOperatorSchools(ctx, owner, op.ID, ids); err != nil {
			return fmt.Errorf("set the schools of %q: %w", op.Username, err)
		}
		fmt.Fprintf(c.stdout, "%s now manages %s.\n", op.Username, strings.Join(schools, ", "))
		return nil
	})
}

// adminJSON is one administrator as admin list --json prints it.
type adminJSON struct {
	Username    string   `json:"username"`
	Name        string   `json:"name"`
	Email       string   `json:"email"`
	Role        string   `json:"role"`
	Schools     []string `json:"schools"`
	Teacher     string   `json:"teacher_account,omitempty"`
	Password    string   `json:"password"`
	LockedUntil string   `json:"locked_until,omitempty"`
}

func (c *cli) adminList(ctx context.Context, args []string) error {
	fl := c.flags()
	asJSON := fl.Bool("json", false, "print the administrators as JSON")
	if _, err := c.parse(fl, args, 0, 0); err != nil {
		return err
	}
	return c.withService(ctx, needOrg, func(svc *engine.Service) error {
		ops, err := svc.Operators(ctx, engine.Owner(osUserName()))
		if err != nil {
			return fmt.Errorf("list administrators: %w", err)
		}
		out := make([]adminJSON, 0, len(ops)) // none is [], not null
		for _, o := range ops {
			a := adminJSON{Username: o.Username, Name: o.Name, Email: o.Email, Role: string(o.Role), Schools: []string{},
				Teacher: o.Teacher.Username, Password: o.PasswordLabel(svc.Now())}
			if o.Role == core.OperatorOrgAdmin {
				a.Schools = []string{"(all)"}
			}
			for _, s := range o.Schools {
				if o.Role == core.OperatorSchoolAdmin {
					a.Schools = append(a.Schools, s.Name)
				}
			}
			if !o.LockedUntil.IsZero() {
				a.LockedUntil = o.LockedUntil.Format(time.RFC3339)
			}
			out = append(out, a)
		}
		if *asJSON {
			return writeJSON(c.stdout, out)
		}
		printAdmins(c.stdout, out)
		return nil
	})
}

func printAdmins(w io.Writer, admins []adminJSON) {
	if len(admins) == 0 {
		fmt.Fprintln(w, "No administrators yet. Add one with: rosterctl admin add USERNAME --name NAME --org-admin")
		return
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "Username\tName\tRole\tSchools\tTeacher Account\tPassword")
	for _, a := range admins {
		pw := a.Password
		if a.LockedUntil != "" {
			pw += " (sign-in paused)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", a.Username, a.Name, a.Role, strings.Join(a.Schools, ", "), a.Teacher, pw)
	}
	tw.Flush()
}
