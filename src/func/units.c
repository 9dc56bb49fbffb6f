/*
** units.c: convert_angle, convert_energy, convert_force, convert_length, convert_mass,
** convert_speed, convert_temperature and convert_volume.  Kusto converts with the UnitsNet
** library: a value goes to the quantity's base unit and from there to the target unit, with
** UnitsNet's factors (some rounded, e.g. the mile as 1609.34 m and the acre-foot as
** 1/0.000810714 m^3: the reference's own example, 1.2 m^3 = 0.0009728568 acre-feet, needs
** them).  The unit names are the ones each reference page lists, matched ignoring case;
** an unknown unit, or a null, gives null.
*/
#include <math.h>
#include <string.h>
#include <strings.h>

#include "impl.h"

/* One unit: to the base unit x * num / den + off, back (y - off) / num * den, or for the
** temperatures (y - off) * den / num: the orders UnitsNet writes its formulas in, so exact
** cases such as 1.2 degrees = 72 arcminutes or 100 C = 212 F stay exact.  Prefixed units
** (Kilojoule, Centiradian) have the prefix folded into num or den. */
typedef struct unit {
  const char *name; /* as the reference writes it */
  double num;       /* multiplier; 0 for Tilt, the sine of the angle */
  double den;       /* divisor */
  double off;       /* offset (temperatures) */
} unit;

/* Units in bases: angle degree, energy joule, force newton, length meter, mass kilogram,
** speed meter per second, temperature kelvin, volume cubic meter. */
static const unit angle_units[] = {
    {"Arcminute", 1.0, 60.0, 0.0},
    {"Arcsecond", 1.0, 3600.0, 0.0},
    {"Centiradian", 180.0, 314.1592653589793, 0.0},
    {"Deciradian", 180.0, 31.41592653589793, 0.0},
    {"Degree", 1.0, 1.0, 0.0},
    {"Gradian", 0.9, 1.0, 0.0},
    {"Microdegree", 1.0, 1000000.0, 0.0},
    {"Microradian", 180.0, 3141592.653589793, 0.0},
    {"Millidegree", 1.0, 1000.0, 0.0},
    {"Milliradian", 180.0, 3141.5926535897934, 0.0},
    {"Nanodegree", 1.0, 1000000000.0, 0.0},
    {"Nanoradian", 180.0, 3141592653.589793, 0.0},
    {"NatoMil", 9.0, 160.0, 0.0},
    {"Radian", 180.0, 3.141592653589793, 0.0},
    {"Revolution", 360.0, 1.0, 0.0},
    {"Tilt", 0.0, 0.0, 0.0}, /* the sine of the angle: not linear (num 0 marks it) */
};
static const unit energy_units[] = {
    {"BritishThermalUnit", 1055.05585262, 1.0, 0.0},
    {"Calorie", 4.184, 1.0, 0.0},
    {"DecathermEc", 1055055852.62, 1.0, 0.0},
    {"DecathermImperial", 1055055852.57348, 1.0, 0.0},
    {"DecathermUs", 1054804000.0, 1.0, 0.0},
    {"ElectronVolt", 1.602176565e-19, 1.0, 0.0},
    {"Erg", 1e-07, 1.0, 0.0},
    {"FootPound", 1.355817948, 1.0, 0.0},
    {"GigabritishThermalUnit", 1055055852620.0, 1.0, 0.0},
    {"GigaelectronVolt", 1.602176565e-10, 1.0, 0.0},
    {"Gigajoule", 1000000000.0, 1.0, 0.0},
    {"GigawattDay", 86400000000000.0, 1.0, 0.0},
    {"GigawattHour", 3600000000000.0, 1.0, 0.0},
    {"HorsepowerHour", 2684519.5377, 1.0, 0.0},
    {"Joule", 1.0, 1.0, 0.0},
    {"KilobritishThermalUnit", 1055055.85262, 1.0, 0.0},
    {"Kilocalorie", 4184.0, 1.0, 0.0},
    {"KiloelectronVolt", 1.602176565e-16, 1.0, 0.0},
    {"Kilojoule", 1000.0, 1.0, 0.0},
    {"KilowattDay", 86400000.0, 1.0, 0.0},
    {"KilowattHour", 3600000.0, 1.0, 0.0},
    {"MegabritishThermalUnit", 1055055852.62, 1.0, 0.0},
    {"Megacalorie", 4184000.0, 1.0, 0.0},
    {"MegaelectronVolt", 1.602176565e-13, 1.0, 0.0},
    {"Megajoule", 1000000.0, 1.0, 0.0},
    {"MegawattDay", 86400000000.0, 1.0, 0.0},
    {"MegawattHour", 3600000000.0, 1.0, 0.0},
    {"Millijoule", 1.0, 1000.0, 0.0},
    {"TeraelectronVolt", 1.602176565e-07, 1.0, 0.0},
    {"TerawattDay", 8.64e+16, 1.0, 0.0},
    {"TerawattHour", 3600000000000000.0, 1.0, 0.0},
    {"ThermEc", 105505585.262, 1.0, 0.0},
    {"ThermImperial", 105505585.257348, 1.0, 0.0},
    {"ThermUs", 105480400.0, 1.0, 0.0},
    {"WattDay", 86400.0, 1.0, 0.0},
    {"WattHour", 3600.0, 1.0, 0.0},
};
static const unit force_units[] = {
    {"Decanewton", 10.0, 1.0, 0.0},
    {"Dyn", 1.0, 100000.0, 0.0},
    {"KilogramForce", 9.80665002864, 1.0, 0.0},
    {"Kilonewton", 1000.0, 1.0, 0.0},
    {"KiloPond", 9.80665002864, 1.0, 0.0},
    {"KilopoundForce", 4448.22161526051, 1.0, 0.0},
    {"Meganewton", 1000000.0, 1.0, 0.0},
    {"Micronewton", 1.0, 1000000.0, 0.0},
    {"Millinewton", 1.0, 1000.0, 0.0},
    {"Newton", 1.0, 1.0, 0.0},
    {"OunceForce", 0.2780138509537812, 1.0, 0.0},
    {"Poundal", 0.1382550279897304, 1.0, 0.0},
    {"PoundForce", 4.448221615260509, 1.0, 0.0},
    {"ShortTonForce", 8896.443230521, 1.0, 0.0},
    {"TonneForce", 9806.65002864, 1.0, 0.0},
};
static const unit length_units[] = {
    {"Angstrom", 1e-10, 1.0, 0.0},
    {"AstronomicalUnit", 149597870700.0, 1.0, 0.0},
    {"Centimeter", 1.0, 100.0, 0.0},
    {"Chain", 20.1168, 1.0, 0.0},
    {"DataMile", 1828.8, 1.0, 0.0},
    {"Decameter", 10.0, 1.0, 0.0},
    {"Decimeter", 1.0, 10.0, 0.0},
    {"DtpPica", 1.0, 236.220472441, 0.0},
    {"DtpPoint", 0.0254, 72.0, 0.0},
    {"Fathom", 1.8288, 1.0, 0.0},
    {"Foot", 0.3048, 1.0, 0.0},
    {"Hand", 0.1016, 1.0, 0.0},
    {"Hectometer", 100.0, 1.0, 0.0},
    {"Inch", 0.0254, 1.0, 0.0},
    {"KilolightYear", 9.46073047258e+18, 1.0, 0.0},
    {"Kilometer", 1000.0, 1.0, 0.0},
    {"Kiloparsec", 3.08567758128e+19, 1.0, 0.0},
    {"LightYear", 9460730472580000.0, 1.0, 0.0},
    {"MegalightYear", 9.46073047258e+21, 1.0, 0.0},
    {"Megaparsec", 3.08567758128e+22, 1.0, 0.0},
    {"Meter", 1.0, 1.0, 0.0},
    {"Microinch", 2.54e-08, 1.0, 0.0},
    {"Micrometer", 1.0, 1000000.0, 0.0},
    {"Mil", 2.54e-05, 1.0, 0.0},
    {"Mile", 1609.34, 1.0, 0.0},
    {"Millimeter", 1.0, 1000.0, 0.0},
    {"Nanometer", 1.0, 1000000000.0, 0.0},
    {"NauticalMile", 1852.0, 1.0, 0.0},
    {"Parsec", 3.08567758128e+16, 1.0, 0.0},
    {"PrinterPica", 1.0, 237.106301584, 0.0},
    {"PrinterPoint", 0.0254, 72.27, 0.0},
    {"Shackle", 27.432, 1.0, 0.0},
    {"SolarRadius", 695510000.0, 1.0, 0.0},
    {"Twip", 1.0, 56692.913385826, 0.0},
    {"UsSurveyFoot", 1200.0, 3937.0, 0.0},
    {"Yard", 0.9144, 1.0, 0.0},
};
static const unit mass_units[] = {
    {"Centigram", 1.0, 100000.0, 0.0},
    {"Decagram", 10.0, 1000.0, 0.0},
    {"Decigram", 1.0, 10000.0, 0.0},
    {"EarthMass", 5.9722e+24, 1.0, 0.0},
    {"Grain", 1.0, 15432.358352941432, 0.0},
    {"Gram", 1.0, 1000.0, 0.0},
    {"Hectogram", 100.0, 1000.0, 0.0},
    {"Kilogram", 1000.0, 1000.0, 0.0},
    {"Kilopound", 453.59237, 1.0, 0.0},
    {"Kilotonne", 1000000.0, 1.0, 0.0},
    {"LongHundredweight", 1.0, 0.01968413055222121, 0.0},
    {"LongTon", 1016.0469088, 1.0, 0.0},
    {"Megapound", 453592.37, 1.0, 0.0},
    {"Megatonne", 1000000000.0, 1.0, 0.0},
    {"Microgram", 1.0, 1000000000.0, 0.0},
    {"Milligram", 1.0, 1000000.0, 0.0},
    {"Nanogram", 1.0, 1000000000000.0, 0.0},
    {"Ounce", 0.028349523125, 1.0, 0.0},
    {"Pound", 0.45359237, 1.0, 0.0},
    {"ShortHundredweight", 1.0, 0.022046226218487758, 0.0},
    {"ShortTon", 907.18474, 1.0, 0.0},
    {"Slug", 1.0, 0.06852176556196105, 0.0},
    {"SolarMass", 1.98947e+30, 1.0, 0.0},
    {"Stone", 1.0, 0.1574731728702698, 0.0},
    {"Tonne", 1000.0, 1.0, 0.0},
};
static const unit speed_units[] = {
    {"CentimeterPerHour", 1.0, 360000.0, 0.0},
    {"CentimeterPerMinute", 1.0, 6000.0, 0.0},
    {"CentimeterPerSecond", 1.0, 100.0, 0.0},
    {"DecimeterPerMinute", 1.0, 600.0, 0.0},
    {"DecimeterPerSecond", 1.0, 10.0, 0.0},
    {"FootPerHour", 0.3048, 3600.0, 0.0},
    {"FootPerMinute", 0.3048, 60.0, 0.0},
    {"FootPerSecond", 0.3048, 1.0, 0.0},
    {"InchPerHour", 0.0254, 3600.0, 0.0},
    {"InchPerMinute", 0.0254, 60.0, 0.0},
    {"InchPerSecond", 0.0254, 1.0, 0.0},
    {"KilometerPerHour", 1000.0, 3600.0, 0.0},
    {"KilometerPerMinute", 1000.0, 60.0, 0.0},
    {"KilometerPerSecond", 1000.0, 1.0, 0.0},
    {"Knot", 0.514444, 1.0, 0.0},
    {"MeterPerHour", 1.0, 3600.0, 0.0},
    {"MeterPerMinute", 1.0, 60.0, 0.0},
    {"MeterPerSecond", 1.0, 1.0, 0.0},
    {"MicrometerPerMinute", 1.0, 60000000.0, 0.0},
    {"MicrometerPerSecond", 1.0, 1000000.0, 0.0},
    {"MilePerHour", 0.44704, 1.0, 0.0},
    {"MillimeterPerHour", 1.0, 3600000.0, 0.0},
    {"MillimeterPerMinute", 1.0, 60000.0, 0.0},
    {"MillimeterPerSecond", 1.0, 1000.0, 0.0},
    {"NanometerPerMinute", 1.0, 60000000000.0, 0.0},
    {"NanometerPerSecond", 1.0, 1000000000.0, 0.0},
    {"UsSurveyFootPerHour", 1200.0, 14173200.0, 0.0},
    {"UsSurveyFootPerMinute", 1200.0, 236220.0, 0.0},
    {"UsSurveyFootPerSecond", 1200.0, 3937.0, 0.0},
    {"YardPerHour", 0.9144, 3600.0, 0.0},
    {"YardPerMinute", 0.9144, 60.0, 0.0},
    {"YardPerSecond", 0.9144, 1.0, 0.0},
};
static const unit temperature_units[] = {
    {"DegreeCelsius", 1.0, 1.0, 273.15},
    {"DegreeDelisle", -2.0, 3.0, 373.15},
    {"DegreeFahrenheit", 5.0, 9.0, 459.67 * 5 / 9},
    {"DegreeNewton", 100.0, 33.0, 273.15},
    {"DegreeRankine", 5.0, 9.0, 0.0},
    {"DegreeReaumur", 5.0, 4.0, 273.15},
    {"DegreeRoemer", 40.0, 21.0, 273.15 - 7.5 * 40 / 21},
    {"Kelvin", 1.0, 1.0, 0.0},
    {"MillidegreeCelsius", 1.0, 1000.0, 273.15},
    {"SolarTemperature", 5778.0, 1.0, 0.0},
};
static const unit volume_units[] = {
    {"AcreFoot", 1.0, 0.000810714, 0.0},
    {"AuTablespoon", 2e-05, 1.0, 0.0},
    {"BoardFoot", 0.0023597372158, 1.0, 0.0},
    {"Centiliter", 1.0, 100000.0, 0.0},
    {"CubicCentimeter", 1.0, 1000000.0, 0.0},
    {"CubicDecimeter", 1.0, 1000.0, 0.0},
    {"CubicFoot", 0.0283168, 1.0, 0.0},
    {"CubicHectometer", 1000000.0, 1.0, 0.0},
    {"CubicInch", 1.6387e-05, 1.0, 0.0},
    {"CubicKilometer", 1000000000.0, 1.0, 0.0},
    {"CubicMeter", 1.0, 1.0, 0.0},
    {"CubicMicrometer", 1.0, 1e+18, 0.0},
    {"CubicMile", 4168181825.44058, 1.0, 0.0},
    {"CubicMillimeter", 1.0, 1000000000.0, 0.0},
    {"CubicYard", 0.764554858, 1.0, 0.0},
    {"Decaliter", 10.0, 1000.0, 0.0},
    {"DecausGallon", 0.0378541, 1.0, 0.0},
    {"Deciliter", 1.0, 10000.0, 0.0},
    {"DeciusGallon", 0.00378541, 10.0, 0.0},
    {"HectocubicFoot", 2.83168, 1.0, 0.0},
    {"HectocubicMeter", 100.0, 1.0, 0.0},
    {"Hectoliter", 100.0, 1000.0, 0.0},
    {"HectousGallon", 0.378541, 1.0, 0.0},
    {"ImperialBeerBarrel", 0.16365924, 1.0, 0.0},
    {"ImperialGallon", 0.0045460900000018145, 1.0, 0.0},
    {"ImperialOunce", 2.84130624999629e-05, 1.0, 0.0},
    {"ImperialPint", 0.00056826125, 1.0, 0.0},
    {"KilocubicFoot", 28.3168, 1.0, 0.0},
    {"KilocubicMeter", 1000.0, 1.0, 0.0},
    {"KiloimperialGallon", 4.546090000001814, 1.0, 0.0},
    {"Kiloliter", 1000.0, 1000.0, 0.0},
    {"KilousGallon", 3.78541, 1.0, 0.0},
    {"Liter", 1.0, 1000.0, 0.0},
    {"MegacubicFoot", 28316.8, 1.0, 0.0},
    {"MegaimperialGallon", 4546.090000001815, 1.0, 0.0},
    {"Megaliter", 1000000.0, 1000.0, 0.0},
    {"MegausGallon", 3785.41, 1.0, 0.0},
    {"MetricCup", 0.00025, 1.0, 0.0},
    {"MetricTeaspoon", 5e-06, 1.0, 0.0},
    {"Microliter", 1.0, 1000000000.0, 0.0},
    {"Milliliter", 1.0, 1000000.0, 0.0},
    {"OilBarrel", 0.158987294928, 1.0, 0.0},
    {"UkTablespoon", 1.5e-05, 1.0, 0.0},
    {"UsBeerBarrel", 0.1173477658, 1.0, 0.0},
    {"UsCustomaryCup", 0.0002365882365, 1.0, 0.0},
    {"UsGallon", 0.00378541, 1.0, 0.0},
    {"UsLegalCup", 0.00024, 1.0, 0.0},
    {"UsOunce", 2.9573529562537606e-05, 1.0, 0.0},
    {"UsPint", 0.000473176473, 1.0, 0.0},
    {"UsQuart", 0.000946352946, 1.0, 0.0},
    {"UsTablespoon", 1.478676478125e-05, 1.0, 0.0},
    {"UsTeaspoon", 4.92892159375e-06, 1.0, 0.0},
};


/* The unit of 'units' named 'v' (a string), or NULL. */
static const unit *find_unit(fn_ctx *c, const unit *units, size_t n, const kql_value *v) {
  if (v->isnull) return NULL;
  kql_value s = fn_text(c, *v);
  if (s.isnull || s.u.s.n == 0 || s.u.s.n > 64) return NULL;
  for (size_t i = 0; i < n; i++)
    if (strlen(units[i].name) == s.u.s.n && strncasecmp(units[i].name, s.u.s.p, s.u.s.n) == 0) return &units[i];
  return NULL;
}

static void convert(fn_ctx *c, const kql_value *a, const unit *units, size_t n, bool den_first, kql_value *out) {
  double x;
  const unit *from = find_unit(c, units, n, &a[1]), *to = find_unit(c, units, n, &a[2]);
  *out = val_null(KQL_T_REAL);
  if (!from || !to || !fn_real(c, &a[0], &x)) return;
  if (from == to) { /* UnitsNet returns the value itself */
    *out = val_real(x);
    return;
  }
  double base = from->num == 0.0 ? asin(x) * 180 / M_PI : x * from->num / from->den + from->off;
  if (to->num == 0.0) *out = val_real(sin(base / 180 * M_PI));
  else if (den_first) *out = val_real((base - to->off) * to->den / to->num);
  else *out = val_real((base - to->off) / to->num * to->den);
}

FN_TYPE_SIG(ty_convert, "nSS", KQL_T_REAL, "expects a number and two unit names")

#define CONVERTER(fn, units, den_first) \
  void fn(fn_ctx *c, const kql_value *a, int n, kql_value *out) { \
    (void)n; \
    convert(c, a, units, KQL_ARRAY_LEN(units), den_first, out); \
  }
CONVERTER(f_convert_angle, angle_units, false)
CONVERTER(f_convert_energy, energy_units, false)
CONVERTER(f_convert_force, force_units, false)
CONVERTER(f_convert_length, length_units, false)
CONVERTER(f_convert_mass, mass_units, false)
CONVERTER(f_convert_speed, speed_units, false)
CONVERTER(f_convert_temperature, temperature_units, true)
CONVERTER(f_convert_volume, volume_units, false)
