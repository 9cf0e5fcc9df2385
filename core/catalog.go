package core

import (
	"sort"
	"strconv"
	"strings"
)

// Code is the stable identifier of one catalogue entry (an error or a warning).
type Code string

// Severity says what an entry does to an upload.
type Severity int

// The severities.
const (
	// SeverityFile fails the whole upload: nothing changes.
	SeverityFile Severity = iota
	// SeverityRow fails the rows it is reported on; other rows are still applied.
	SeverityRow
	// SeverityWarning is reported but changes nothing.
	SeverityWarning
	// SeverityRequest refuses a request that is not an upload (a sign-in, a command, a
	// change of accounts): nothing changes. These entries are the ACCESS_, SIGNIN_,
	// ADMIN_ and CARDS_ codes; they never appear in an Error File.
	SeverityRequest
)

// Entry is one catalogue entry: what is wrong and how to fix it, in plain words. Problem
// and Fix may contain {value}, {other}, {rows}, {count} and {items}, filled from the
// Issue.
type Entry struct {
	Code     Code
	Severity Severity
	Column   string // the template column it concerns, or "" for the file
	Problem  string
	Fix      string
}

// The catalogue codes. Each has exactly one Entry in Catalog.
const (
	// File level.
	FileType          Code = "FILE_TYPE"
	FileUnreadable    Code = "FILE_UNREADABLE"
	FileEncrypted     Code = "FILE_ENCRYPTED"
	FileEmpty         Code = "FILE_EMPTY"
	FileNoHeader      Code = "FILE_NO_HEADER"
	FileMissingHeader Code = "FILE_MISSING_HEADER"
	FileDupHeader     Code = "FILE_DUPLICATE_HEADER"
	FileNoData        Code = "FILE_NO_DATA"
	FileTooBig        Code = "FILE_TOO_BIG"
	FileChanged       Code = "FILE_CHANGED"
	FileTooManyCols   Code = "FILE_TOO_MANY_COLUMNS"
	FileCellTooLong   Code = "FILE_CELL_TOO_LONG"
	FileUnclosedQuote Code = "FILE_UNCLOSED_QUOTE"
	FileNoRowApplied  Code = "FILE_NO_ROW_APPLIED"

	// Warnings.
	WarnUnknownColumn  Code = "WARN_UNKNOWN_COLUMN"
	WarnTeacherGrade   Code = "WARN_TEACHER_GRADE"
	WarnMergedCells    Code = "WARN_MERGED_CELLS"
	WarnPasswordColumn Code = "WARN_PASSWORD_COLUMN"
	WarnSpreadsheet    Code = "WARN_SPREADSHEET"
	WarnPasswordKept   Code = "WARN_PASSWORD_KEPT"

	// User columns.
	UserGUIDFormat    Code = "USER_GUID_FORMAT"
	UserGUIDUnknown   Code = "USER_GUID_UNKNOWN"
	UserIDRequired    Code = "USER_ID_REQUIRED"
	UserIDFormat      Code = "USER_ID_FORMAT"
	UserIDTaken       Code = "USER_ID_TAKEN"
	UserIDDuplicate   Code = "USER_ID_DUPLICATE"
	RoleRequired      Code = "ROLE_REQUIRED"
	RoleInvalid       Code = "ROLE_INVALID"
	RoleChange        Code = "ROLE_CHANGE"
	RoleTeacherMode   Code = "ROLE_TEACHER_MODE"
	UserNotInSchool   Code = "USER_NOT_IN_SCHOOL"
	UserNotYours      Code = "USER_NOT_YOURS"
	UserOtherSchool   Code = "USER_OTHER_SCHOOL"
	FirstNameRequired Code = "FIRST_NAME_REQUIRED"
	FirstNameFormat   Code = "FIRST_NAME_FORMAT"
	LastNameRequired  Code = "LAST_NAME_REQUIRED"
	LastNameFormat    Code = "LAST_NAME_FORMAT"
	GradeInvalid      Code = "GRADE_INVALID"
	EmailRequired     Code = "EMAIL_REQUIRED"
	EmailFormat       Code = "EMAIL_FORMAT"
	EmailTaken        Code = "EMAIL_TAKEN"
	EmailDuplicate    Code = "EMAIL_DUPLICATE"
	UsernameFormat    Code = "USERNAME_FORMAT"
	UsernameTaken     Code = "USERNAME_TAKEN"
	UsernameDuplicate Code = "USERNAME_DUPLICATE"
	PasswordPolicy    Code = "PASSWORD_POLICY"
	PasswordRemoved   Code = "PASSWORD_REMOVED"
	UserRowsDisagree  Code = "USER_ROWS_DISAGREE"
	UserIDScientific  Code = "USER_ID_SCIENTIFIC"
	FirstNameStart    Code = "FIRST_NAME_START"
	LastNameStart     Code = "LAST_NAME_START"
	FailedByRow       Code = "FAILED_BY_ROW"

	// Class columns.
	ClassIDRequired   Code = "CLASS_ID_REQUIRED"
	ClassIDFormat     Code = "CLASS_ID_FORMAT"
	ClassIDExists     Code = "CLASS_ID_EXISTS"
	ClassIDTaken      Code = "CLASS_ID_TAKEN"
	ClassNameRequired Code = "CLASS_NAME_REQUIRED"
	ClassNameFormat   Code = "CLASS_NAME_FORMAT"
	ClassGradeInvalid Code = "CLASS_GRADE_INVALID"
	ClassStartInvalid Code = "CLASS_START_INVALID"
	ClassEndInvalid   Code = "CLASS_END_INVALID"
	ClassDatesOrder   Code = "CLASS_DATES_ORDER"
	MasterCodeFormat  Code = "MASTER_CODE_FORMAT"
	ClassGUIDFormat   Code = "CLASS_GUID_FORMAT"
	ClassGUIDUnknown  Code = "CLASS_GUID_UNKNOWN"
	ClassRowsDisagree Code = "CLASS_ROWS_DISAGREE"
	ClassNoTeacher    Code = "CLASS_NO_TEACHER"
	ClassNotYours     Code = "CLASS_NOT_YOURS"
	ClassIDScientific Code = "CLASS_ID_SCIENTIFIC"
	ClassNameBreak    Code = "CLASS_NAME_LINE_BREAK"
	ClassNameControl  Code = "CLASS_NAME_CONTROL"
	ClassNameStart    Code = "CLASS_NAME_START"

	// Access: a request refused because of who makes it (SPEC §8).
	AccessSignedOut    Code = "ACCESS_SIGNED_OUT"
	AccessRoleNotHeld  Code = "ACCESS_ROLE_NOT_HELD"
	AccessOrgAdmin     Code = "ACCESS_ORG_ADMIN"
	AccessAdmin        Code = "ACCESS_ADMIN"
	AccessSchool       Code = "ACCESS_SCHOOL"
	AccessUpload       Code = "ACCESS_UPLOAD"
	AccessAccount      Code = "ACCESS_ACCOUNT"
	AccessClass        Code = "ACCESS_CLASS"
	AccessLastOrgAdmin Code = "ACCESS_LAST_ORG_ADMIN"
	AccessSetupDone    Code = "ACCESS_SETUP_DONE"

	// Sign-in.
	SignInWrong          Code = "SIGNIN_WRONG"
	SignInLocked         Code = "SIGNIN_LOCKED"
	SignInExpired        Code = "SIGNIN_EXPIRED"
	SignInStudent        Code = "SIGNIN_STUDENT"
	SignInChangeRequired Code = "SIGNIN_CHANGE_REQUIRED"
	SignInPasswordPolicy Code = "SIGNIN_PASSWORD_POLICY"

	// Managing administrator accounts.
	AdminUsernameFormat Code = "ADMIN_USERNAME_FORMAT"
	AdminUsernameTaken  Code = "ADMIN_USERNAME_TAKEN"
	AdminName           Code = "ADMIN_NAME"
	AdminEmail          Code = "ADMIN_EMAIL"
	AdminRole           Code = "ADMIN_ROLE"
	AdminNoSchool       Code = "ADMIN_NO_SCHOOL"
	AdminNotTeacher     Code = "ADMIN_NOT_TEACHER"
	AdminTeacherLinked  Code = "ADMIN_TEACHER_LINKED"
	AdminNotFound       Code = "ADMIN_NOT_FOUND"

	// Login cards (SPEC §10).
	CardsNoPasswords Code = "CARDS_NO_PASSWORDS"
	CardsNoStudents  Code = "CARDS_NO_STUDENTS"

	// A OneRoster package (.zip) that cannot be imported as a whole.
	FileOneRosterZip        Code = "FILE_ONEROSTER_ZIP"
	FileOneRosterNotPackage Code = "FILE_ONEROSTER_NOT_PACKAGE"
	FileOneRosterDelta      Code = "FILE_ONEROSTER_DELTA"
	FileOneRosterVersion    Code = "FILE_ONEROSTER_VERSION"
	FileOneRosterFile       Code = "FILE_ONEROSTER_FILE_MISSING"
	FileOneRosterColumn     Code = "FILE_ONEROSTER_COLUMN_MISSING"
	FileOneRosterUnreadable Code = "FILE_ONEROSTER_UNREADABLE"
	FileOneRosterNoSchool   Code = "FILE_ONEROSTER_NO_SCHOOL"
	FileOneRosterSchool     Code = "FILE_ONEROSTER_SCHOOL"
	FileOneRosterEmpty      Code = "FILE_ONEROSTER_EMPTY"
	WarnOneRoster           Code = "WARN_ONEROSTER"

	// A row of a OneRoster package that cannot be imported: a reference that does not
	// resolve, an identifier Rosterdesk cannot use. The values are those of
	// oneroster.ProblemCode.
	OneRosterClassMissing  Code = "ONEROSTER_CLASS_MISSING"
	OneRosterUserMissing   Code = "ONEROSTER_USER_MISSING"
	OneRosterSchoolMissing Code = "ONEROSTER_SCHOOL_MISSING"
	OneRosterTermMissing   Code = "ONEROSTER_TERM_MISSING"
	OneRosterTermDates     Code = "ONEROSTER_TERM_DATES"
	OneRosterClassID       Code = "ONEROSTER_CLASS_ID"
	OneRosterUserIDShared  Code = "ONEROSTER_USER_ID_SHARED"
	OneRosterDuplicateID   Code = "ONEROSTER_DUPLICATE_ID"
)

// Catalog lists every error and warning an upload can report. The Errors and Resolution
// Steps document and the template's Instructions sheet are generated from it.
var Catalog = []Entry{
	{FileType, SeverityFile, "", "The file is not a .csv or .xlsx file (or a OneRoster .zip package).", "In Excel choose File > Save As and pick \"Excel Workbook (*.xlsx)\" or \"CSV UTF-8 (Comma delimited) (*.csv)\", then upload that copy."},
	{FileUnreadable, SeverityFile, "", "The file could not be read ({value}).", "Open it in Excel, save it again as .xlsx or .csv, and upload the new copy."},
	{FileEncrypted, SeverityFile, "", "The workbook is protected with a password, so it cannot be read.", "Open it in Excel, remove the password (File > Info > Protect Workbook), save, and upload it again."},
	{FileEmpty, SeverityFile, "", "The file is empty.", "Download the Blank Template, fill in one row per user, and upload it."},
	{FileNoHeader, SeverityFile, "", "The first row does not have the template's column headers.", "Keep the header row of the Blank Template as the first row of the file."},
	{FileMissingHeader, SeverityFile, "", "The column \"{value}\" is missing.", "Add a column with the header \"{value}\" (copy the header row from the Blank Template)."},
	{FileDupHeader, SeverityFile, "", "The column \"{value}\" appears more than once.", "Delete the extra \"{value}\" column so that each header appears once."},
	{FileNoData, SeverityFile, "", "The file has a header row but no rows of users.", "Add one row per user under the header row, then upload it again."},
	{FileTooBig, SeverityFile, "", "The file is too large to read ({value}).", "Split it into several smaller files and upload them one after another."},
	{FileChanged, SeverityFile, "", "The file changed while Rosterdesk was reading it, so what was read may be half of the old file and half of the new one.", "Wait until the program saving it has finished (close it in Excel), then choose the file again."},
	{FileTooManyCols, SeverityFile, "", "The file has too many columns ({value}).", "Keep only the template's columns (copy them from the Blank Template) and upload it again."},
	{FileCellTooLong, SeverityFile, "", "A cell in row {rows} is longer than 32,767 characters, which Excel cannot hold.", "Shorten or clear that cell and upload the file again."},
	{FileUnclosedQuote, SeverityFile, "", "The quote (\") that opens a cell in row {rows} is never closed properly, so the rows after it would be read as part of that one cell.", "Open the file in a text editor such as Notepad, add the missing closing quote in that row or remove the opening one, save, and upload it again."},
	{FileNoRowApplied, SeverityFile, "", "No row could be applied.", "Download the Error File: its Error column says what to fix on each row. Fix the rows and upload the Error File itself."},

	{WarnUnknownColumn, SeverityWarning, "", "The column \"{value}\" is not part of the template and was ignored.", "Nothing to do if that is expected; otherwise check the header's spelling against the Blank Template."},
	{WarnMergedCells, SeverityWarning, "", "Merged cells ({value}) were read as if every cell of each merged range held the value of its top-left cell.", "Check those rows. To avoid this, unmerge the cells in Excel (Home > Merge & Center) and type the value in every row."},
	{WarnTeacherGrade, SeverityWarning, "Grade Level", "Teachers have no grade level, so \"{value}\" was ignored.", "Leave Grade Level blank on teacher rows."},
	{WarnPasswordColumn, SeverityWarning, "", "The column \"{value}\" looks like it holds passwords, so it was ignored and emptied in the stored copy of the file.", "Type passwords only in the Password column, or leave them out to have temporary passwords made."},
	{WarnSpreadsheet, SeverityWarning, "", "This file was changed by a spreadsheet program: {items}.", "Nothing was lost this time. Before saving, format the ID and date columns as Text, or upload the Excel file (.xlsx) instead of a CSV."},
	{WarnPasswordKept, SeverityWarning, "Password", "{count} accounts kept their current temporary password, which their Password cell held: it stays temporary, to be changed at the first sign-in.", "Nothing to do. To give someone a permanent password, type a new one; to give them a new temporary password, reset it."},

	{UserGUIDFormat, SeverityRow, "User GUID", "\"{value}\" is not a valid User GUID.", "Leave User GUID blank to create a new user, or copy the GUID exactly from an Export Teachers & Students file."},
	{UserGUIDUnknown, SeverityRow, "User GUID", "No user has the User GUID {value}.", "Leave User GUID blank to create a new user, or copy the GUID exactly from an Export Teachers & Students file."},
	{UserIDRequired, SeverityRow, "User ID", "User ID is missing.", "Type the user's ID from your student information system (letters and digits)."},
	{UserIDFormat, SeverityRow, "User ID", "User ID \"{value}\" is not valid: use only letters and digits, 1 to 50 characters.", "Remove spaces, dashes and other symbols from the User ID."},
	{UserIDTaken, SeverityRow, "User ID", "User ID \"{value}\" already belongs to {other}.", "Use another User ID. If this row is meant to change that user, put their User GUID in the User GUID column."},
	{UserIDDuplicate, SeverityRow, "User ID", "User ID \"{value}\" is used by different people on rows {rows}.", "Give each person their own User ID. If these rows are the same person, make every other column of the user (User GUID to Password) the same on each row."},
	{RoleRequired, SeverityRow, "Role", "Role is missing.", "Type Teacher or Student."},
	{RoleInvalid, SeverityRow, "Role", "Role \"{value}\" is not valid.", "Type Teacher or Student."},
	{RoleChange, SeverityRow, "Role", "This user is a {other}; an import cannot change a user's role to {value}.", "Type {other} in the Role column, or leave it blank."},
	{RoleTeacherMode, SeverityRow, "Role", "Teachers cannot be added from Import Students/Rosters.", "Remove this row, or ask an administrator to import teachers from Import Users/Rosters."},
	{UserNotInSchool, SeverityRow, "User GUID", "This student does not belong to your school.", "Select the student's school in the Profile menu, or ask an administrator to add the student."},
	{UserOtherSchool, SeverityRow, "User GUID", "This user does not belong to the school of this upload, and you manage only the accounts of your own schools.", "Upload the row for the user's own school, or ask an Organization Administrator to add the user to this school."},
	{UserNotYours, SeverityRow, "User GUID", "This student is not in any of your classes, so you may not change their account.", "To add the student to your class, leave their other cells blank (or as they are); ask an administrator to change the account."},
	{FirstNameRequired, SeverityRow, "First Name", "First Name is missing.", "Type the user's first name."},
	{FirstNameFormat, SeverityRow, "First Name", "First Name \"{value}\" is not valid: use 1 to 50 letters, spaces, apostrophes ('), hyphens (-) or periods (.).", "Shorten the name to 50 characters at most, and remove digits and other symbols from it."},
	{LastNameRequired, SeverityRow, "Last Name", "Last Name is missing.", "Type the user's last name."},
	{LastNameFormat, SeverityRow, "Last Name", "Last Name \"{value}\" is not valid: use 1 to 50 letters, spaces, apostrophes ('), hyphens (-) or periods (.).", "Shorten the name to 50 characters at most, and remove digits and other symbols from it."},
	{FirstNameStart, SeverityRow, "First Name", "First Name \"{value}\" does not start with a letter, and every name does.", "Start the name with its first letter: remove what comes before it (a hyphen, an apostrophe, a space, a sign)."},
	{LastNameStart, SeverityRow, "Last Name", "Last Name \"{value}\" does not start with a letter, and every name does.", "Start the name with its first letter: remove what comes before it (a hyphen, an apostrophe, a space, a sign)."},
	{GradeInvalid, SeverityRow, "Grade Level", "Grade Level \"{value}\" is not valid.", "Use PK, K or a number from 1 to 12, or leave it blank."},
	{EmailRequired, SeverityRow, "Email", "Teachers need an Email.", "Type the teacher's school email address."},
	{EmailFormat, SeverityRow, "Email", "Email \"{value}\" is not a valid email address.", "Type it as name@example.org, with no spaces, and after the @ only letters, digits, hyphens and dots."},
	{EmailTaken, SeverityRow, "Email", "Email {value} already belongs to another teacher, {other}.", "Use this teacher's own email address. If this row is meant to change that teacher, put their User GUID in the User GUID column."},
	{EmailDuplicate, SeverityRow, "Email", "Email {value} is given to different teachers on rows {rows}.", "Give each teacher their own email address."},
	{UsernameFormat, SeverityRow, "Username", "Username \"{value}\" is not valid: use 3 to 50 letters A–Z (without accents), digits, periods, underscores, hyphens or @, with no spaces, and do not start with a hyphen or @.", "Fix the username, or leave it blank to have one made."},
	{UsernameTaken, SeverityRow, "Username", "Username \"{value}\" is already taken by {other}.", "Choose another username, or leave it blank to have one made."},
	{UsernameDuplicate, SeverityRow, "Username", "Username \"{value}\" is given to different people on rows {rows}.", "Give each person their own username, or leave it blank to have one made."},
	{PasswordPolicy, SeverityRow, "Password", "The password is not accepted: {items}.", "Use 9 to 20 characters with at least one upper-case letter, one lower-case letter and one digit, no spaces, no character five times in a row, and not the username or email. Or leave it blank to have a temporary password made."},
	{PasswordRemoved, SeverityRow, "Password", "The password typed on this row was removed from this file to keep it safe.", "Type the password again before you upload this file, or leave it blank to have a temporary password made."},
	{UserRowsDisagree, SeverityRow, "", "Rows {rows} are the same user but their {value} differs.", "Make the user's columns (User GUID to Password) the same on every row of that user, or leave them blank on all but one row."},
	{UserIDScientific, SeverityRow, "User ID", "User ID \"{value}\" is a number a spreadsheet program rewrote in scientific notation, so the real ID is lost.", "Format the User ID column as Text (or use the Excel file), type the full IDs again, and upload the file."},
	{FailedByRow, SeverityRow, "", "{count} rows of {value} cannot be saved because {other}.", "Fix that row as its own error says, then upload the file again: the other rows need no change."},

	{ClassIDRequired, SeverityRow, "Class ID", "Class ID is missing, but other class columns are filled.", "Type the class's ID, or clear all the class columns if this row is not about a class."},
	{ClassIDFormat, SeverityRow, "Class ID", "Class ID \"{value}\" is not valid: use 1 to 50 letters, digits, hyphens (-) or underscores (_).", "Remove spaces and other symbols from the Class ID."},
	{ClassIDExists, SeverityRow, "Class ID", "This school already has a class with Class ID \"{value}\".", "To add users to that class, copy its Class GUID from Export Classes into the Class GUID column. To make a new class, use another Class ID."},
	{ClassIDTaken, SeverityRow, "Class ID", "Class ID \"{value}\" already belongs to another class in this school.", "Use another Class ID, or leave the Class ID as it was."},
	{ClassNameRequired, SeverityRow, "Class Name", "Class Name is missing for a new class.", "Type the class's name."},
	{ClassNameFormat, SeverityRow, "Class Name", "Class Name is longer than 100 characters.", "Shorten the class name."},
	{ClassNameBreak, SeverityRow, "Class Name", "Class Name \"{value}\" is on more than one line.", "Keep the class name on one line: remove the line break (Alt+Enter in Excel) from the cell."},
	{ClassNameControl, SeverityRow, "Class Name", "Class Name holds a control character (such as a tab) or an invisible text-direction mark, which cannot be shown or printed as typed.", "Retype the class name in the cell, or copy it from a plain-text source."},
	{ClassNameStart, SeverityRow, "Class Name", "Class Name \"{value}\" starts with a sign (=, +, - or @), which spreadsheet programs read as the start of a formula.", "Start the class name with a letter, a digit or a bracket."},
	{ClassGradeInvalid, SeverityRow, "Class Grade Level", "Class Grade Level \"{value}\" is not valid.", "Use PK, K or a number from 1 to 12, or leave it blank."},
	{ClassStartInvalid, SeverityRow, "Class Start Date", "Class Start Date \"{value}\" is not a date.", "Type it as MM/DD/YYYY or YYYY-MM-DD, for example {other}."},
	{ClassEndInvalid, SeverityRow, "Class End Date", "Class End Date \"{value}\" is not a date.", "Type it as MM/DD/YYYY or YYYY-MM-DD, for example {other}."},
	{ClassDatesOrder, SeverityRow, "Class End Date", "Class End Date {value} is not after the Class Start Date {other}.", "Make the end date later than the start date."},
	{MasterCodeFormat, SeverityRow, "Master Code", "Master Code \"{value}\" is not valid: a Master Code has 16 letters and digits.", "Copy the code exactly as your product letter gives it (XXXX-XXXX-XXXX-XXXX), or leave it blank."},
	{ClassGUIDFormat, SeverityRow, "Class GUID", "\"{value}\" is not a valid Class GUID.", "Leave Class GUID blank to create a new class, or copy the GUID exactly from Export Classes."},
	{ClassGUIDUnknown, SeverityRow, "Class GUID", "No class of this school has the Class GUID {value}.", "Check the selected school, or copy the GUID exactly from Export Classes for this school."},
	{ClassRowsDisagree, SeverityRow, "", "Rows {rows} are the same class but their {value} differs.", "Make the class columns (Class Name to Class End Date) the same on every row of that class, or leave them blank on all but one row."},
	{ClassNoTeacher, SeverityRow, "Class ID", "Class \"{value}\" is new, and no teacher row for it could be applied.", "Fix the class's teacher row if it has an error, or add one: copy the teacher's row and fill in this Class ID and the class columns."},
	{ClassNotYours, SeverityRow, "Class GUID", "You are not a teacher of the class {value}.", "Roster students only into your own classes, or ask an administrator."},
	{ClassIDScientific, SeverityRow, "Class ID", "Class ID \"{value}\" is a number a spreadsheet program rewrote in scientific notation, so the real ID is lost.", "Format the Class ID column as Text (or use the Excel file), type the full Class IDs again, and upload the file."},

	{AccessSignedOut, SeverityRequest, "", "No one is signed in, or the account that was signed in no longer exists.", "Sign in again."},
	{AccessRoleNotHeld, SeverityRequest, "", "This account does not hold the {value} role.", "Use one of the roles the account holds, or ask an Organization Administrator to give it this one."},
	{AccessOrgAdmin, SeverityRequest, "", "Only an Organization Administrator can {value}.", "Ask an Organization Administrator to do it."},
	{AccessAdmin, SeverityRequest, "", "Only an administrator can {value}.", "Ask an administrator of your school to do it."},
	{AccessSchool, SeverityRequest, "", "You do not have access to the school {value}.", "Choose one of your own schools, or ask an Organization Administrator to give you this one."},
	{AccessUpload, SeverityRequest, "", "Upload {value} is not one you may open: it was made by someone else or for a school that is not yours.", "Open one of the uploads your own Upload History lists."},
	{AccessAccount, SeverityRequest, "", "You may not see or change the account {value}.", "Teachers manage only the students of their own classes, and School Organization Administrators the accounts of their own schools. Ask an administrator."},
	{AccessClass, SeverityRequest, "", "You do not teach the class {value}.", "Choose one of your own classes, or ask an administrator."},
	{AccessLastOrgAdmin, SeverityRequest, "", "{value} is the last Organization Administrator, so the account must stay one.", "Make another person an Organization Administrator first."},
	{AccessSetupDone, SeverityRequest, "", "This database already has an administrator, so first-run setup cannot run again.", "Sign in as an administrator; an Organization Administrator adds more administrators."},

	{SignInWrong, SeverityRequest, "", "The username or password is wrong.", "Check the username and type the password again. After five wrong passwords in a row, sign-in waits five minutes."},
	{SignInLocked, SeverityRequest, "", "There were five wrong passwords in a row for this username, so its sign-in is paused until {value}.", "Wait until then and try again, or ask an administrator to reset the password."},
	{SignInExpired, SeverityRequest, "", "This temporary password was not used within 90 days and has expired.", "Ask an administrator to reset it."},
	{SignInStudent, SeverityRequest, "", "Student accounts cannot sign in to Rosterdesk, which is for school staff.", "Sign in where your teacher told you to, with the same username and password."},
	{SignInChangeRequired, SeverityRequest, "", "This is a temporary password, which must be replaced before signing in.", "Choose your own password now."},
	{SignInPasswordPolicy, SeverityRequest, "", "The new password is not accepted: {items}.", "Use 9 to 20 characters with an upper-case letter, a lower-case letter and a digit, no spaces, no character five times in a row, and not the username, the email or the current password."},

	{AdminUsernameFormat, SeverityRequest, "", "Username \"{value}\" is not valid: use 3 to 50 letters A–Z (without accents), digits, periods, underscores, hyphens or @, with no spaces, and do not start with a hyphen or @.", "Choose another username."},
	{AdminUsernameTaken, SeverityRequest, "", "Username \"{value}\" is already taken.", "Choose another username: each username belongs to one account, whether administrator, teacher or student."},
	{AdminName, SeverityRequest, "", "The administrator's name is missing, longer than 100 characters, or holds a control character (a line break, a tab, an escape code or a text-direction mark).", "Type their full name, as their uploads should show it under Uploaded By."},
	{AdminEmail, SeverityRequest, "", "Email \"{value}\" is not a valid email address.", "Type it as name@example.org, or leave it blank."},
	{AdminRole, SeverityRequest, "", "\"{value}\" is not an administrator role.", "Choose Organization Administrator or School Organization Administrator."},
	{AdminNoSchool, SeverityRequest, "", "A School Organization Administrator needs at least one school.", "Choose the schools they manage."},
	{AdminNotTeacher, SeverityRequest, "", "{value} is not a teacher account.", "Give the username of the teacher account the administrator also uses, or none."},
	{AdminTeacherLinked, SeverityRequest, "", "The teacher account {value} already belongs to another administrator.", "Give the username of this administrator's own teacher account."},
	{AdminNotFound, SeverityRequest, "", "There is no administrator with the username {value}.", "Check the username against the list of administrators."},

	{CardsNoPasswords, SeverityRequest, "", "Upload {value} has no temporary passwords left to print: it gave none, or they have all been used or have expired.", "Print new ones: on the Accounts page choose the class, then Reset and print login cards (rosterctl cards --school NAME --class CLASSID --reset)."},
	{CardsNoStudents, SeverityRequest, "", "{value} has no students, so there are no login cards to print.", "Enroll the students with an upload first, or choose another class or teacher."},

	{FileOneRosterZip, SeverityFile, "", "The zip cannot be opened safely: {value}.", "Export the package again from the source system and upload the zip exactly as it was made, without adding to it or unpacking it."},
	{FileOneRosterNotPackage, SeverityFile, "", "The zip has no manifest.csv, so it is not a OneRoster 1.1 package.", "Export a OneRoster 1.1 CSV package from the source system and upload that zip."},
	{FileOneRosterDelta, SeverityFile, "", "The OneRoster package holds only the changes since an earlier export: manifest.csv marks {value} as delta.", "Rosterdesk imports bulk packages; export a full package from the source system."},
	{FileOneRosterVersion, SeverityFile, "", "This is a OneRoster {value} package; Rosterdesk reads OneRoster 1.1.", "Export a OneRoster 1.1 CSV package from the source system."},
	{FileOneRosterFile, SeverityFile, "", "The package has no {value}, {other}.", "Export the full package again from the source system."},
	{FileOneRosterColumn, SeverityFile, "", "{other} has no column {value}, which Rosterdesk needs.", "Export the package again from the source system with every column of OneRoster 1.1."},
	{FileOneRosterUnreadable, SeverityFile, "", "{value} in the package cannot be read ({other}).", "Export the package again from the source system; if it is very large, export one school at a time."},
	{FileOneRosterNoSchool, SeverityFile, "", "orgs.csv has no org of type school, so there is no school to import.", "Export the package of a school from the source system."},
	{FileOneRosterSchool, SeverityFile, "", "The package has {count} schools ({items}) and none of them is \"{value}\".", "Select the school in Rosterdesk whose name is the same as in the package (rosterctl: --school), rename the Rosterdesk school to its name in the package (Schools menu: Rename This School…; rosterctl school rename), or export a package of that one school."},
	{FileOneRosterEmpty, SeverityFile, "", "The package has no student or teacher of {value} to import.", "Check that the package is the one of this school, or export it again from the source system with its users and enrollments."},
	{WarnOneRoster, SeverityWarning, "", "Read from the OneRoster package: {items}.", "Nothing to do if that is expected; otherwise correct it in the source system and export the package again."},

	{OneRosterClassMissing, SeverityRow, "Class ID", "The class \"{value}\" (classSourcedId) is not in classes.csv.", "Type the Class ID and Class Name of the class this user belongs in, or clear the class columns to add the user without a class."},
	{OneRosterUserMissing, SeverityRow, "User ID", "The user \"{value}\" (userSourcedId) is not in users.csv.", "Type the user's User ID, Role, First Name and Last Name, or delete this row."},
	{OneRosterSchoolMissing, SeverityRow, "Class ID", "The school \"{value}\" of class \"{other}\" (schoolSourcedId) is not in orgs.csv.", "Check that the class belongs in the selected school, then upload this row again."},
	{OneRosterTermMissing, SeverityRow, "Class Start Date", "The term \"{value}\" of class \"{other}\" (termSourcedIds) is not in academicSessions.csv.", "Type the Class Start Date and Class End Date, or leave them blank."},
	{OneRosterTermDates, SeverityRow, "Class Start Date", "The term \"{value}\" of class \"{other}\" has no valid startDate and endDate in academicSessions.csv.", "Type the Class Start Date and Class End Date, or leave them blank."},
	{OneRosterClassID, SeverityRow, "Class ID", "Class \"{other}\" has no Class ID Rosterdesk can use: {items}.", "Type a Class ID of 1 to 50 letters, digits, hyphens (-) or underscores (_) that no other class of the school has."},
	{OneRosterUserIDShared, SeverityRow, "User ID", "User ID \"{value}\" would be given to more than one user of the package ({other}).", "Give each person their own User ID, here or in the source system."},
	{OneRosterDuplicateID, SeverityRow, "", "The sourcedId \"{value}\" is used by more than one record of {other}.", "Export the package again from the source system: each record needs its own sourcedId."},
}

var catalogIndex = func() map[Code]*Entry {
	m := make(map[Code]*Entry, len(Catalog))
	for i := range Catalog {
		m[Catalog[i].Code] = &Catalog[i]
	}
	return m
}()

// Lookup returns the catalogue entry for code.
func Lookup(code Code) (*Entry, bool) {
	e, ok := catalogIndex[code]
	return e, ok
}

// Issue is one problem found in an upload: a catalogue code with the values that fill it.
type Issue struct {
	Code  Code
	Value string // the offending value, or the column name for "differs" entries
	Other string // a second value: the other user, the existing role, the start date
	Rows  []int  // the rows involved, for cross-row problems (the first few of them)
	// MoreRows counts the rows involved beyond those in Rows, so that a problem shared by
	// a million rows keeps a few numbers, not a million.
	MoreRows int
	Count    int      // a number the text gives ({count})
	Items    []string // a list the text gives ({items}): short phrases the engine made
}

// Text returns the issue in plain words: what is wrong, then how to fix it, as an
// administrator's upload says it.
func (is Issue) Text() string { return is.TextFor(ModeAdmin) }

// TextFor returns the issue in plain words as an upload of mode says it: what is wrong,
// then how to fix it. A teacher's upload names the columns by the teacher template's
// headers and its people as students (Mode.Words); the cells the text echoes are never
// changed.
func (is Issue) TextFor(mode Mode) string {
	e, rep := is.fill()
	if e == nil {
		return string(is.Code)
	}
	t := entryWords(e, mode)
	return rep.Replace(t.problem) + " " + rep.Replace(t.fix)
}

// Problem returns only the "what is wrong" half of the issue's text.
func (is Issue) Problem() string { return is.ProblemFor(ModeAdmin) }

// ProblemFor returns only the "what is wrong" half of the issue's text in mode's words,
// as TextFor does.
func (is Issue) ProblemFor(mode Mode) string {
	e, rep := is.fill()
	if e == nil {
		return string(is.Code)
	}
	return rep.Replace(entryWords(e, mode).problem)
}

// fill returns the issue's entry and the replacer that fills its placeholders.
func (is Issue) fill() (*Entry, *strings.Replacer) {
	e, ok := Lookup(is.Code)
	if !ok {
		return nil, nil
	}
	rows := make([]string, 0, len(is.Rows))
	for _, r := range is.Rows {
		rows = append(rows, itoa(r))
	}
	items := make([]string, len(is.Items))
	for i, it := range is.Items {
		items[i] = escapeUnprintable(it)
	}
	return e, strings.NewReplacer("{value}", escapeUnprintable(clip(is.Value)), "{other}", escapeUnprintable(clip(is.Other)), "{rows}", joinMore(rows, is.MoreRows),
		"{count} rows", plural(is.Count, "row"), "{count} accounts", plural(is.Count, "account"),
		"{count}", Thousands(is.Count), "{items}", strings.Join(items, "; "))
}

// escapeUnprintable shows each Unprintable character of s as Go writes it in a string
// (\n, \x1b, \u202e). A value quoted in a note came from a file: a line break in it
// would add a line of the file's own words to the note in the window and the Error
// File, a right-to-left override would reverse the note's rest.
func escapeUnprintable(s string) string {
	if !strings.ContainsFunc(s, Unprintable) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if Unprintable(r) {
			q := strconv.QuoteRune(r)
			b.WriteString(q[1 : len(q)-1])
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// plural writes n things: "1 row", "26 rows".
func plural(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return Thousands(n) + " " + thing + "s"
}

// clip keeps an echoed cell short: a 10 MB cell must not become a 10 MB message.
func clip(s string) string {
	const max = 60
	if len(s) <= max {
		return s
	}
	r := []rune(s)
	if len(r) <= max {
		return s
	}
	return string(r[:max]) + "…"
}

// joinMore is joinAnd for a list of which more items were left out.
func joinMore(xs []string, more int) string {
	if more <= 0 {
		return joinAnd(xs)
	}
	if len(xs) > 5 {
		more += len(xs) - 5
		xs = xs[:5]
	}
	return strings.Join(xs, ", ") + " and " + Thousands(more) + " more"
}

func joinAnd(xs []string) string {
	switch len(xs) {
	case 0:
		return ""
	case 1:
		return xs[0]
	}
	if len(xs) > 6 {
		return strings.Join(xs[:5], ", ") + " and " + itoa(len(xs)-5) + " more"
	}
	return strings.Join(xs[:len(xs)-1], ", ") + " and " + xs[len(xs)-1]
}

// JoinIssues returns the texts of issues joined into one Error cell, duplicates removed,
// as an administrator's upload says them.
func JoinIssues(issues []Issue) string { return JoinIssuesFor(issues, ModeAdmin) }

// JoinIssuesFor is JoinIssues in the words of an upload of mode (Issue.TextFor).
func JoinIssuesFor(issues []Issue, mode Mode) string {
	seen := make(map[string]bool, len(issues))
	var parts []string
	for _, is := range issues {
		t := is.TextFor(mode)
		if seen[t] {
			continue
		}
		seen[t] = true
		parts = append(parts, t)
	}
	return strings.Join(parts, " | ")
}

// SortedCatalog returns the catalogue ordered by severity, then column order, then code.
func SortedCatalog() []Entry {
	out := append([]Entry(nil), Catalog...)
	colPos := func(name string) int {
		for c := Column(0); c < NumColumns; c++ {
			if Columns[c].Header == name {
				return int(c)
			}
		}
		return -1
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Severity != out[j].Severity {
			return out[i].Severity < out[j].Severity
		}
		return colPos(out[i].Column) < colPos(out[j].Column)
	})
	return out
}

func itoa(n int) string { return strconv.Itoa(n) }
